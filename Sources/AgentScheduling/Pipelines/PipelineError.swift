/// A problem with a pipeline definition or a candidate operation: what, where (a JSON path for configuration), and
/// how to fix it.
public struct PipelineError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Where the problem is: a JSON path (`$.pipelines.quant.stages[2].agent`), or the pipeline's name.
    public var path: String
    /// What is wrong and how to fix it.
    public var message: String

    /// Creates an error.
    /// - Parameters:
    ///   - path: Where.
    ///   - message: What and how to fix it.
    public init(_ path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    /// `$.pipelines.quant.stages[0].agent: …`
    public var description: String { "\(path): \(message)" }
}
