/// One `agentctl` subcommand.
protocol AgentCommand {
    /// The word that selects the command (`run`, `next`, …).
    static var name: String { get }
    /// One line for the command list.
    static var summary: String { get }
    /// The full `--help` text: usage, options, exit statuses.
    static var help: String { get }
    /// Runs the command with the arguments after its name.
    /// - Returns: The process exit status.
    static func run(_ arguments: [String], io: CommandIO) async -> Int32
}

extension AgentCommand {
    /// Parses arguments, handling `--help` and turning usage errors into exit status 2.
    static func parse(
        _ arguments: [String], io: CommandIO, options: Set<String> = [], flags: Set<String> = []
    ) -> ParsedArguments? {
        if arguments.contains("--help") || arguments.contains("-h") {
            io.print(help)
            return nil
        }
        do {
            return try ParsedArguments(arguments, valueOptions: options, flagOptions: flags)
        } catch {
            io.printError("agentctl \(name): \(error.message)")
            io.printError("Run 'agentctl \(name) --help' for usage.")
            return nil
        }
    }

    /// Whether `parse` returned nil because of `--help` (exit 0) rather than an error (exit 2).
    static func helpRequested(_ arguments: [String]) -> Bool {
        arguments.contains("--help") || arguments.contains("-h")
    }
}
