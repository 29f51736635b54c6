import AgentCore
import AgentScheduling
import Foundation

/// `agentctl approvals [--state S]`: approval requests and their decisions.
enum ApprovalsCommand: AgentCommand {
    static let name = "approvals"
    static let summary = "List approval requests (runs waiting for a person's decision, and past decisions)"
    static let help = """
        USAGE: agentctl approvals [--state pending|approved|rejected|expired]... [--limit N] [--json]

        Lists approval requests, oldest first: the run, its plan task, where its outputs are (a pull request),
        the deadline and the decision. Decide one with 'agentctl approve RUN --as NAME' or 'agentctl reject'.

        OPTIONS:
          --state S         Only requests in this state (repeat for several; default: all)
          --limit N         At most N requests, 1-10000 (default 100)
          --json            One JSON object per request
        \(CommandContext.configHelp)

        EXIT STATUS: 0 on success, 1 when the store cannot be read, 2 for bad usage.
        """

    static func run(_ arguments: [String], io: CommandIO) async -> Int32 {
        if arguments.contains("--help") || arguments.contains("-h") {
            io.print(help)
            return ExitCode.success
        }
        let parsed: ParsedArguments
        let limit: Int
        var states: Set<ApprovalState>?
        do {
            parsed = try ParsedArguments(
                arguments, valueOptions: ["state", "limit", CommandContext.configOption], flagOptions: ["json"])
            limit = try parsed.integer("limit", default: 100, range: 1...10_000)
        } catch {
            io.printError("agentctl \(name): \(error.message)")
            return ExitCode.usage
        }
        for text in parsed.values("state").flatMap({ $0.split(separator: ",").map(String.init) }) {
            guard let state = ApprovalState(rawValue: text) else {
                io.printError(
                    "agentctl \(name): unknown state \"\(text)\"; use \(ApprovalState.allCases.map(\.rawValue).joined(separator: ", "))"
                )
                return ExitCode.usage
            }
            states = (states ?? []).union([state])
        }
        guard let context = CommandContext.load(parsed, command: name, io: io, fileRequired: false) else {
            return ExitCode.usage
        }
        guard let store = await context.openWorkflowStore(command: name, io: io) else { return ExitCode.failure }
        let requests: [ApprovalRequest]
        do {
            requests = try await store.approvals(in: states, limit: limit)
        } catch {
            io.printError("agentctl \(name): \(error)")
            return ExitCode.failure
        }
        if parsed.has("json") {
            for request in requests { io.print((try? WorkflowFormatting.json(request)) ?? "{}") }
        } else if requests.isEmpty {
            io.print(
                "No approval requests\(states.map { " in state \($0.map(\.rawValue).sorted().joined(separator: ", "))" } ?? "")."
            )
        } else {
            io.print(WorkflowFormatting.table(requests))
        }
        return ExitCode.success
    }
}
