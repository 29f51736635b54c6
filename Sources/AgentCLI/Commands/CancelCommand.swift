import AgentCore
import AgentScheduling
import AgentStorage
import Foundation

/// `agentctl cancel RUN`: asks the runner that executes a run to cancel it, and waits for the outcome.
enum CancelCommand: AgentCommand {
    static let name = "cancel"
    static let summary = "Cancel a queued or running run, wherever it runs"
    static let help = """
        USAGE: agentctl cancel <run-id|latest> [--reason TEXT] [--timeout DURATION] [--json]

        Writes a cancel request to the store. The runner that executes the run ('agentctl serve', agent-server
        or an embedding program, on this host or another) picks it up within a second, cancels the agent —
        stopping a command's whole process group — and records the run as cancelled. This command waits for
        that and prints the outcome.

        OPTIONS:
          --reason TEXT       Why; stored in the run's error message
          --timeout DURATION  How long to wait for the runner (default 30s)
          --json              Print the completed request as JSON
        \(CommandContext.configHelp)

        EXAMPLES:
          agentctl cancel 01JD5X3K6Y8M2Q4R7T9V0W1X2Y --reason "wrong branch"
          agentctl cancel latest

        EXIT STATUS: 0 when the run is cancelled (or had already ended: the message says how), 1 when no runner
        cancelled it in time or the store cannot be read, 2 for bad usage.
        """

    static func run(_ arguments: [String], io: CommandIO) async -> Int32 {
        guard
            let parsed = parse(
                arguments, io: io, options: ["reason", "timeout", CommandContext.configOption], flags: ["json"])
        else {
            return helpRequested(arguments) ? ExitCode.success : ExitCode.usage
        }
        guard let timeout = parsed.positiveDuration("timeout", default: .seconds(30), command: name, io: io) else {
            return ExitCode.usage
        }
        guard let context = CommandContext.load(parsed, command: name, io: io, fileRequired: false) else {
            return ExitCode.usage
        }
        let record: RunRecord
        let store: any CommandStore
        switch await RunLookup.find(parsed, command: name, context: context, io: io) {
        case .found(let found, let opened):
            record = found
            store = opened
        case .failed(let status):
            return status
        }
        guard !record.status.isTerminal else {
            io.print("Run \(record.id) of \(record.agentName) already ended as \(record.status); nothing to cancel.")
            return ExitCode.success
        }
        let control = RunnerControl(store: store)
        let completed: ControlRequest
        do {
            let request = try await control.requestCancel(record.id, reason: parsed.value("reason"))
            completed = try await control.waitForCompletion(of: request.id, timeout: timeout)
        } catch {
            io.printError("agentctl cancel: \(error)")
            return ExitCode.failure
        }
        if parsed.has("json") {
            do {
                io.print(try JSONLines.encode(completed))
            } catch {
                io.printError("agentctl cancel: \(error)")
                return ExitCode.failure
            }
        }
        guard completed.state == .completed else {
            io.printError(
                "agentctl cancel: no runner cancelled run \(record.id) within \(DurationText.format(timeout)) "
                    + "(it is leased by \(record.leaseOwner ?? "nobody")). If that runner died, the run is marked "
                    + "abandoned when its lease expires; see 'agentctl health' for the live runners.")
            return ExitCode.failure
        }
        if !parsed.has("json") {
            io.print("Run \(record.id) of \(record.agentName): \(completed.outcome ?? "done").")
        }
        return completed.runStatus == .cancelled || completed.runStatus?.isTerminal == true
            ? ExitCode.success : ExitCode.failure
    }
}
