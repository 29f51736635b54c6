/// One thing wrong with a configuration file: where (its JSON path and line) and what, phrased so that the
/// reader knows how to fix it.
///
/// Printed as `agentctl.json:14:19: agents[2].schedule: minute: 60 is out of range 0-59`.
public struct ConfigProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// The JSON path of the value, for example `agents[2].schedule` (empty for the whole document).
    public var path: String
    /// What is wrong and how to fix it.
    public var message: String
    /// Where the value starts in the file, when known.
    public var line: Int?
    /// The column where the value starts, when known.
    public var column: Int?

    /// Creates a problem.
    /// - Parameters:
    ///   - path: The JSON path of the value.
    ///   - message: What is wrong and how to fix it.
    ///   - line: The line where the value starts.
    ///   - column: The column where it starts.
    public init(path: String, message: String, line: Int? = nil, column: Int? = nil) {
        self.path = path
        self.message = message
        self.line = line
        self.column = column
    }

    /// `agents[2].schedule: minute: 60 is out of range 0-59`
    public var description: String { path.isEmpty ? message : "\(path): \(message)" }

    /// The problem prefixed with the file and position, as compilers print them.
    /// - Parameter file: The file's path as the user gave it.
    /// - Returns: For example `agentctl.json:14:19: agents[2].schedule: minute: 60 is out of range 0-59`.
    public func located(in file: String) -> String {
        guard let line else { return "\(file): \(description)" }
        return "\(file):\(line):\(column ?? 1): \(description)"
    }
}

/// A configuration that cannot be used: every problem found, in file order.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    /// The configuration file's path as the user gave it.
    public var file: String
    /// Every problem, in file order.
    public var problems: [ConfigProblem]

    /// Creates an error.
    /// - Parameters:
    ///   - file: The file's path as the user gave it.
    ///   - problems: The problems.
    public init(file: String, problems: [ConfigProblem]) {
        self.file = file
        self.problems = problems
    }

    /// Every problem on its own line, prefixed with the file and position.
    public var description: String {
        problems.map { $0.located(in: file) }.joined(separator: "\n")
    }
}

/// Problems found outside the parse (building agents, resolving webhooks), before they are tied to a file.
package struct ProblemList: Error, Sendable {
    /// The problems.
    package var problems: [ConfigProblem]

    /// Creates a list.
    /// - Parameter problems: The problems.
    package init(problems: [ConfigProblem]) { self.problems = problems }
}
