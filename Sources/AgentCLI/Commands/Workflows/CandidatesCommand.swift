import AgentCore
import AgentScheduling
import Foundation

/// `agentctl candidates [--pipeline P]`: the pipeline candidates in the store.
enum CandidatesCommand: AgentCommand {
    static let name = "candidates"
    static let summary = "List pipeline candidates: stage, state, failures"
    static let help = """
        USAGE: agentctl candidates [--pipeline P] [--config PATH] [--json]

        Lists the candidates in the store, oldest submission first: pipeline, stage, state (ready, running,
        gating, awaitingApproval, paused with who and why, completed, abandoned) and final failures at the stage.

        OPTIONS:
          --pipeline P      Only the candidates of pipeline P
          --json            One JSON object per line, each candidate as stored
        \(CommandContext.configHelp)

        EXIT STATUS: 0 on success, 1 when the store cannot be read, 2 for bad usage.
        """

    static func run(_ arguments: [String], io: CommandIO) async -> Int32 {
        guard
            let parsed = parse(
                arguments, io: io, options: ["pipeline", CommandContext.configOption], flags: ["json"])
        else { return helpRequested(arguments) ? ExitCode.success : ExitCode.usage }
        guard parsed.positionals.isEmpty else {
            io.printError("agentctl candidates: unexpected argument '\(parsed.positionals[0])'")
            return ExitCode.usage
        }
        guard let context = CommandContext.load(parsed, command: name, io: io, fileRequired: false),
            let store = await context.openPipelineStore(command: name, io: io)
        else { return ExitCode.failure }
        do {
            let candidates = try await store.candidates(pipeline: parsed.value("pipeline"), limit: 100_000)
            if parsed.has("json") {
                for candidate in candidates { io.print(try WorkflowFormatting.json(candidate)) }
            } else {
                var table = TextTable(["CANDIDATE", "PIPELINE", "STAGE", "STATE", "FAILURES"])
                for candidate in candidates {
                    table.add([
                        candidate.id, candidate.pipeline, String(candidate.stage), candidate.state.description,
                        String(candidate.failureCount(at: candidate.stage)),
                    ])
                }
                io.print(table.render())
            }
            return ExitCode.success
        } catch {
            io.printError("agentctl candidates: \(error)")
            return ExitCode.failure
        }
    }
}
