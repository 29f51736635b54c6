import Foundation

/// Finds the subcommand named on the command line and runs it.
public enum CommandRouter {
    /// Every public command, in the order `--help` lists them.
    static var commands: [any AgentCommand.Type] {
        [
            DemoCommand.self, ValidateCommand.self, ServeCommand.self, RunCommand.self, RunsCommand.self,
            ShowCommand.self, LogsCommand.self, CancelCommand.self, SchedulesCommand.self, PauseCommand.self,
            ResumeCommand.self,
            BackfillCommand.self, HealthCommand.self, NextCommand.self, BenchCommand.self, VersionCommand.self,
            PlansCommand.self, PlanCommand.self, ApprovalsCommand.self, ApproveCommand.self, RejectCommand.self,
            PipelineCommand.self, CandidatesCommand.self, CandidateCommand.self,
        ] + codingCommands
    }

    /// The commands of coding tasks and tools, and shell completion (see Docs/CodingAgents.md).
    static var codingCommands: [any AgentCommand.Type] {
        [TasksCommand.self, ToolsCommand.self, CompletionCommand.self]
    }

    static var overview: String {
        let width = commands.map { $0.name.count }.max() ?? 0
        let list = commands.map {
            "  \($0.name.padding(toLength: width + 2, withPad: " ", startingAt: 0))\($0.summary)"
        }
        return """
            agentctl — run agents on schedules and on demand, and keep a record of every run.

            USAGE: agentctl <command> [options]

            COMMANDS:
            \(list.joined(separator: "\n"))

            Run 'agentctl <command> --help' for a command's options.

            EXIT STATUS:
              0 success, 1 a run failed (or health found problems), 2 usage or configuration error,
              10 rate limited, 11 timed out.
            """
    }

    /// Runs the command line (without the program name) on the store that `stores` opens instead of the
    /// configuration's JSON-file store: how a host with another store (PostgreSQL) offers agentctl's commands.
    /// - Parameters:
    ///   - arguments: The arguments after the program name.
    ///   - io: Where the command writes.
    ///   - stores: Opens the store every command works on.
    /// - Returns: The exit status.
    public static func run(_ arguments: [String], io: CommandIO, stores: StoreOpener) async -> Int32 {
        await StoreOpener.$current.withValue(stores) { await run(arguments, io: io) }
    }

    /// Runs the command line (without the program name).
    /// - Parameters:
    ///   - arguments: The arguments after the program name.
    ///   - io: Where the command writes.
    /// - Returns: The exit status.
    public static func run(_ arguments: [String], io: CommandIO) async -> Int32 {
        guard let first = arguments.first else {
            io.print(overview)
            return ExitCode.usage
        }
        if first == "--help" || first == "-h" || first == "help" {
            io.print(overview)
            return ExitCode.success
        }
        if first == "--version" { return await VersionCommand.run([], io: io) }
        guard let command = commands.first(where: { $0.name == first }) else {
            io.printError("agentctl: unknown command '\(first)'. Run 'agentctl --help' for the list of commands.")
            return ExitCode.usage
        }
        return await command.run(Array(arguments.dropFirst()), io: io)
    }
}
