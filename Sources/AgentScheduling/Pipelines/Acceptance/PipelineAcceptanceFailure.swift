/// A failed pipeline acceptance check: which one and what differed.
public struct PipelineAcceptanceFailure: Error, Sendable, CustomStringConvertible {
    /// The check's name (see ``PipelineAcceptanceSuite/checkNames``).
    public let check: String
    /// What was expected and what happened.
    public let message: String

    /// Creates a failure.
    /// - Parameters:
    ///   - check: The check's name.
    ///   - message: What was expected and what happened.
    public init(check: String, message: String) {
        self.check = check
        self.message = message
    }

    /// `pipeline acceptance check "…" failed: …`
    public var description: String { "pipeline acceptance check \"\(check)\" failed: \(message)" }
}
