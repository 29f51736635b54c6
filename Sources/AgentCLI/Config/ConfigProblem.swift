/// One thing wrong with a configuration file: where (its JSON path and line) and what, phrased so that the
/// reader knows how to fix it.
///
/// Printed as `agentctl.json:14:19: agents[2].schedule: minute: 60 is out of range 0-59`.
struct ConfigProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// The JSON path of the value, for example `agents[2].schedule` (empty for the whole document).
    var path: String
    /// What is wrong and how to fix it.
    var message: String
    /// Where the value starts in the file, when known.
    var line: Int?
    var column: Int?

    /// `agents[2].schedule: minute: 60 is out of range 0-59`
    var description: String { path.isEmpty ? message : "\(path): \(message)" }

    /// The problem prefixed with the file and position, as compilers print them.
    func located(in file: String) -> String {
        guard let line else { return "\(file): \(description)" }
        return "\(file):\(line):\(column ?? 1): \(description)"
    }
}

/// A configuration that cannot be used: every problem found, in file order.
struct ConfigError: Error, Sendable, CustomStringConvertible {
    /// The configuration file's path as the user gave it.
    var file: String
    var problems: [ConfigProblem]

    var description: String {
        problems.map { $0.located(in: file) }.joined(separator: "\n")
    }
}

/// Problems found outside the parse (building agents, resolving webhooks), before they are tied to a file.
struct ProblemList: Error, Sendable {
    var problems: [ConfigProblem]
}
