import AgentScheduling

/// What `agentctl tasks` and `agentctl tools` share: their options (`--names`, `--config`), the configuration,
/// and the plain list of names that shell completion reads.
enum CodingListing {
    /// The `--help` lines of the shared options and the exit statuses.
    static let optionsHelp = """
          --names           Print only the names, one per line (for shell completion)
        \(CommandContext.configHelp)

        EXIT STATUS: 0 on success, 2 for bad usage or configuration.
        """

    /// The outcome of ``prepare(_:for:io:names:)``.
    enum Outcome {
        /// Print the table for this configuration.
        case list(CommandContext)
        /// Done (help, names or a problem was printed); exit with this status.
        case finished(Int32)
    }

    /// Parses the arguments and loads the configuration; with `--names`, prints the names and finishes.
    /// - Parameters:
    ///   - arguments: The arguments after the command's name.
    ///   - command: The command.
    ///   - io: Where output goes.
    ///   - names: The names `--names` prints, from the configuration.
    static func prepare(
        _ arguments: [String], for command: any AgentCommand.Type, io: CommandIO,
        names: (CodingConfiguration) -> [String]
    ) -> Outcome {
        guard let parsed = command.parse(arguments, io: io, options: [CommandContext.configOption], flags: ["names"])
        else { return .finished(command.helpRequested(arguments) ? ExitCode.success : ExitCode.usage) }
        guard parsed.positionals.isEmpty else {
            io.printError("agentctl \(command.name): unexpected argument '\(parsed.positionals[0])'")
            return .finished(ExitCode.usage)
        }
        guard let context = CommandContext.load(parsed, command: command.name, io: io, fileRequired: false) else {
            return .finished(ExitCode.usage)
        }
        guard !parsed.has("names") else {
            for name in names(context.configuration.coding) { io.print(name) }
            return .finished(ExitCode.success)
        }
        return .list(context)
    }
}
