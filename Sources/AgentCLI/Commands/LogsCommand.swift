import AgentCore
import AgentScheduling
import AgentStorage
import Foundation

/// `agentctl logs RUN`: a run's captured output.
enum LogsCommand: AgentCommand {
    static let name = "logs"
    static let summary = "Print a run's captured output, transcript or log directory; --follow streams it"
    static let help = """
        USAGE: agentctl logs <run-id|latest> [--stderr | --transcript] [--follow] [--path]

        Prints what the run's command wrote to standard output, from <logs>/<agent>/<run-id>/stdout.log, as it
        was captured (secret values replaced by [REDACTED], bounded by the agent's outputLimit). The same
        directory holds stderr.log, metadata.json (the full record and process report) and summary.txt.

        OPTIONS:
          --stderr          Print standard error instead
          --transcript      Print transcript.log: both streams in arrival order, each line marked [stdout] or
                            [stderr] (coding-task runs, see Docs/CodingAgents.md)
          --follow          Print the log as it is written (the transcript when the run has one) and return
                            when the run ends, like tail -f
          --path            Print the run's log directory instead of a log
        \(CommandContext.configHelp)

        EXAMPLES:
          agentctl logs latest
          agentctl logs 01JD5X3K6Y8M2Q4R7T9V0W1X2Y --stderr | tail -50
          cat "$(agentctl logs latest --path)/summary.txt"

        EXIT STATUS: 0 on success, 1 when the run or its log is missing (runs of agents that are not commands
        have none), 2 for bad usage.
        """

    static func run(_ arguments: [String], io: CommandIO) async -> Int32 {
        guard
            let parsed = parse(
                arguments, io: io, options: [CommandContext.configOption],
                flags: ["stderr", "path", "transcript", "follow"])
        else { return helpRequested(arguments) ? ExitCode.success : ExitCode.usage }
        guard let context = CommandContext.load(parsed, command: name, io: io, fileRequired: false) else {
            return ExitCode.usage
        }
        let record: RunRecord
        let store: any CommandStore
        switch await RunLookup.find(parsed, command: name, context: context, io: io) {
        case .found(let found, let opened): (record, store) = (found, opened)
        case .failed(let status): return status
        }
        let directory = RunLogDirectory(of: record, in: context.configuration)
        if parsed.has("follow") && !parsed.has("path") {
            return await LogFollower(runID: record.id, directory: directory, standardError: parsed.has("stderr"))
                .follow(store: store, io: io)
        }
        guard directory.exists else {
            io.printError(
                "agentctl logs: run \(record.id) of \(record.agentName) has no log directory at \(directory.url.path)"
                    + (record.status == .skipped ? " (it was skipped, so nothing ran)" : ""))
            return ExitCode.failure
        }
        if parsed.has("path") {
            io.print(directory.url.path)
            return ExitCode.success
        }
        let file =
            parsed.has("transcript")
            ? directory.transcriptURL : parsed.has("stderr") ? directory.stderrURL : directory.stdoutURL
        // Logs are bounded by the agent's output limit (16 MiB by default), so one read is fine.
        guard let data = FileManager.default.contents(atPath: file.path) else {
            io.printError("agentctl logs: \(file.path) does not exist or cannot be read")
            return ExitCode.failure
        }
        io.write(String(decoding: data, as: UTF8.self))
        return ExitCode.success
    }
}
