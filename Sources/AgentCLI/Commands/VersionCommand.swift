import AgentCore

/// `agentctl version`: prints the version of the tool and of the record schema.
enum VersionCommand: AgentCommand {
    static let version = "0.1.0"
    static let name = "version"
    static let summary = "Print the version"
    static let help = """
        USAGE: agentctl version

        Prints agentctl's version and the run-record schema version it writes.
        """

    static func run(_ arguments: [String], io: CommandIO) async -> Int32 {
        guard parse(arguments, io: io) != nil else {
            return helpRequested(arguments) ? ExitCode.success : ExitCode.usage
        }
        io.print("agentctl \(version) (run record schema \(RunRecord.currentSchemaVersion))")
        return ExitCode.success
    }
}
