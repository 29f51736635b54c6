import AgentCore
import AgentScheduling
import Foundation

/// `agentctl serve`: the scheduler, until SIGINT or SIGTERM.
enum ServeCommand: AgentCommand {
    static let name = "serve"
    static let summary = "Run the agents on their schedules until SIGINT/SIGTERM, printing each lifecycle event"
    static let help = """
        USAGE: agentctl serve [--json] [--verbose]

        Runs every enabled agent of the configuration on its schedule: each fire exactly once (also with several
        serve processes on one store), within maxConcurrentRuns, with the agents' retry, overlap, misfire and
        auto-pause policies. Prints one line per lifecycle event on stdout (run queued, started, succeeded,
        failed, timed out, retry scheduled, skipped, agent paused, scheduler state), as text or, with --json,
        as JSON lines: {"event": "runFailed", "ts": "…", "agent": "…", "runID": "…", "status": "…", …}.

        On SIGINT (Ctrl-C) or SIGTERM it shuts down gracefully: no new run starts, running runs get
        shutdownGracePeriod (default 30s) to finish, then their process groups are stopped (SIGTERM, then
        SIGKILL) and they are recorded as cancelled. Every run ends with a terminal record. Fires that were due
        but not started are handled by each agent's misfire policy at the next start.

        While serve runs, 'agentctl pause' and 'agentctl resume' from another shell take effect within a
        second, and 'agentctl run' can run agents on the same store.

        OPTIONS:
          --json            Print JSON lines instead of text
          --verbose         Also print each output line of the commands (runLog events)
        \(CommandContext.configHelp)

        EXIT STATUS: 0 after a clean shutdown, 1 when the scheduler failed, 2 for a configuration error
        (every problem is listed on stderr).
        """

    static func run(_ arguments: [String], io: CommandIO) async -> Int32 {
        guard
            let parsed = parse(arguments, io: io, options: [CommandContext.configOption], flags: ["json", "verbose"])
        else { return helpRequested(arguments) ? ExitCode.success : ExitCode.usage }
        guard parsed.positionals.isEmpty else {
            io.printError("agentctl serve: unexpected argument '\(parsed.positionals[0])'")
            return ExitCode.usage
        }
        guard let context = CommandContext.load(parsed, command: name, io: io, fileRequired: true),
            let runnable = context.runnable(command: name, io: io)
        else { return ExitCode.usage }
        guard let store = await context.openStore(forScheduling: true, command: name, io: io) else {
            return ExitCode.failure
        }
        let session = ServeSession(
            configuration: context.configuration, runnable: runnable, store: store,
            formatter: EventFormatter(json: parsed.has("json"), verbose: parsed.has("verbose")), io: io,
            stopAfter: nil)
        return await session.run()
    }
}
