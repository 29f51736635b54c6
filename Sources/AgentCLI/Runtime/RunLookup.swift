import AgentCore
import AgentStorage
import Foundation

/// Finds the run named on the command line (`show`, `logs`): a run id, or `latest` for the newest run.
enum RunLookup {
    /// The outcome of ``find(_:command:context:io:)``.
    enum Result {
        /// The run and the store it was read from.
        case found(RunRecord, any CommandStore)
        /// Nothing was found; the reason was printed; exit with this status.
        case failed(Int32)
    }

    /// Finds the run named by the single positional argument.
    static func find(_ parsed: ParsedArguments, command: String, context: CommandContext, io: CommandIO) async
        -> Result
    {
        guard parsed.positionals.count == 1, let text = parsed.positionals.first else {
            io.printError(
                "agentctl \(command): give one run id (from 'agentctl runs'), or 'latest' for the newest run")
            return .failed(ExitCode.usage)
        }
        var id: RunID?
        if text != "latest" {
            do {
                id = try RunID(text.uppercased())
            } catch {
                io.printError("agentctl \(command): \(error)")
                return .failed(ExitCode.usage)
            }
        }
        guard let store = await context.openStore(forScheduling: false, command: command, io: io) else {
            return .failed(ExitCode.failure)
        }
        do {
            let record =
                if let id {
                    try await store.run(id: id)
                } else {
                    try await store.queryRuns(RunQuery(limit: 1)).records.first
                }
            guard let record else {
                io.printError(
                    "agentctl \(command): "
                        + (id.map { "no run \($0) in the store at \(store.location)" }
                            ?? "the store at \(store.location) has no runs yet"))
                return .failed(ExitCode.failure)
            }
            return .found(record, store)
        } catch {
            io.printError("agentctl \(command): \(error)")
            return .failed(ExitCode.failure)
        }
    }
}
