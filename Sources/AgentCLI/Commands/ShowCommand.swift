import AgentCore
import AgentScheduling
import AgentStorage
import Foundation

/// `agentctl show RUN`: one run record in full.
enum ShowCommand: AgentCommand {
    static let name = "show"
    static let summary = "Print one run record in full"
    static let help = """
        USAGE: agentctl show <run-id|latest> [--json]

        Prints every field of a run record: status, trigger, attempt, timestamps and duration, error class and
        message, parameters, idempotency key, counters, artifacts, where its logs are, and the excerpt of its
        output. 'latest' means the newest run in the store.

        OPTIONS:
          --json            Print the record as one JSON object (the format of the store and of metadata.json)
        \(CommandContext.configHelp)

        EXAMPLES:
          agentctl show 01JD5X3K6Y8M2Q4R7T9V0W1X2Y
          agentctl show latest --json | jq .errorMessage

        EXIT STATUS: 0 when the run was found, 1 when there is no such run or the store cannot be read,
        2 for bad usage.
        """

    static func run(_ arguments: [String], io: CommandIO) async -> Int32 {
        guard let parsed = parse(arguments, io: io, options: [CommandContext.configOption], flags: ["json"]) else {
            return helpRequested(arguments) ? ExitCode.success : ExitCode.usage
        }
        guard let context = CommandContext.load(parsed, command: name, io: io, fileRequired: false) else {
            return ExitCode.usage
        }
        let record: RunRecord
        switch await RunLookup.find(parsed, command: name, context: context, io: io) {
        case .found(let found, _): record = found
        case .failed(let status): return status
        }
        if parsed.has("json") {
            do {
                io.print(try JSONLines.encode(record))
            } catch {
                io.printError("agentctl show: \(error)")
                return ExitCode.failure
            }
            return ExitCode.success
        }
        io.print(
            RunFormatting.details(
                record, logDirectory: RunLogDirectory(of: record, in: context.configuration).existingPath))
        return ExitCode.success
    }
}
