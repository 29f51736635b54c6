import AgentCore
import AgentScheduling
import Foundation

/// `agentctl approve RUN --as NAME [--comment C]` and, through ``run(_:io:verdict:)``, `agentctl reject`.
enum ApproveCommand: AgentCommand {
    static let name = "approve"
    static let summary = "Approve a run that waits for approval (its plan continues)"
    static let help = helpText(for: .approve)

    static func helpText(for verdict: ApprovalVerdict) -> String {
        let verb = verdict == .approve ? "approve" : "reject"
        let effect =
            verdict == .approve
            ? "The run ends succeeded and the plan tasks that depend on it start."
            : "The run ends rejected (not a failure of its agent: no auto-pause, no failure streak) and its plan fails; the tasks that depend on it are skipped."
        return """
            USAGE: agentctl \(verb) <run-id> --as NAME [--comment TEXT] [--json]

            Decides the approval request of a run awaiting approval (see 'agentctl approvals'). \(effect)
            A decision is made once: repeating it answers the stored decision, a different decision after it is
            refused, and a decision at or after the deadline is refused as expired. Running 'agentctl serve'
            processes on the store apply it within a second.

            OPTIONS:
              --as NAME         Who decides (must be one of the request's approvers when it lists any)
              --comment TEXT    Why, stored with the decision
              --json            The request as stored, with "outcome"
            \(CommandContext.configHelp)

            EXIT STATUS: 0 when the request is \(verdict == .approve ? "approved" : "rejected") (now or already),
            1 when it is refused (decided otherwise, expired, or NAME may not decide) or the store cannot be
            written, 2 for bad usage or a run without approval request.
            """
    }

    static func run(_ arguments: [String], io: CommandIO) async -> Int32 {
        await run(arguments, io: io, verdict: .approve)
    }

    /// Approves or rejects the run named in `arguments`.
    static func run(_ arguments: [String], io: CommandIO, verdict: ApprovalVerdict) async -> Int32 {
        let command = verdict == .approve ? name : RejectCommand.name
        if arguments.contains("--help") || arguments.contains("-h") {
            io.print(helpText(for: verdict))
            return ExitCode.success
        }
        let parsed: ParsedArguments
        do {
            parsed = try ParsedArguments(
                arguments, valueOptions: ["as", "comment", CommandContext.configOption], flagOptions: ["json"])
        } catch {
            io.printError("agentctl \(command): \(error.message)")
            return ExitCode.usage
        }
        guard parsed.positionals.count == 1, let text = parsed.positionals.first, let runID = try? RunID(text) else {
            io.printError("agentctl \(command): name one run id, for example: agentctl \(command) 01J… --as alice")
            return ExitCode.usage
        }
        guard let decider = parsed.value("as"), !decider.isEmpty else {
            io.printError("agentctl \(command): say who decides with --as NAME")
            return ExitCode.usage
        }
        guard let context = CommandContext.load(parsed, command: command, io: io, fileRequired: false) else {
            return ExitCode.usage
        }
        guard let store = await context.openWorkflowStore(command: command, io: io) else { return ExitCode.failure }
        let result: ApprovalDecisionResult
        do {
            result = try await ApprovalDesk(store: store).decide(
                runID: runID, verdict: verdict, by: decider, comment: parsed.value("comment"))
        } catch let error as StoreError where error.code == .approvalNotFound {
            io.printError("agentctl \(command): \(error.message)")
            return ExitCode.usage
        } catch {
            io.printError("agentctl \(command): \(error)")
            return ExitCode.failure
        }
        let request = result.request
        if parsed.has("json") {
            let text = (try? WorkflowFormatting.json(request)) ?? "{}"
            io.print("{\"outcome\":\"\(result.outcome.rawValue)\",\(text.dropFirst())")
        } else {
            let decided = request.decision.map { "\($0.state.rawValue) by \($0.decidedBy)" } ?? request.state.rawValue
            switch result.outcome {
            case .decided: io.print("Run \(runID) \(decided). Running serve processes apply it within a second.")
            case .unchanged: io.print("Run \(runID) was already \(decided); nothing changed.")
            case .alreadyDecided:
                io.printError("agentctl \(command): run \(runID) was already \(decided); the decision stands.")
            case .expired:
                io.printError(
                    "agentctl \(command): the approval of run \(runID) expired at \(Timestamp.format(request.deadline)); the run ended rejected. Rerun it to ask again."
                )
            case .notAllowed:
                let who = request.approvers.isEmpty ? "" : " (approvers: \(request.approvers.joined(separator: ", ")))"
                io.printError("agentctl \(command): \(decider) may not decide run \(runID)\(who)")
            }
        }
        return result.outcome == .decided || result.outcome == .unchanged ? ExitCode.success : ExitCode.failure
    }
}

/// `agentctl reject RUN --as NAME [--comment C]`.
enum RejectCommand: AgentCommand {
    static let name = "reject"
    static let summary = "Reject a run that waits for approval (its plan fails)"
    static let help = ApproveCommand.helpText(for: .reject)

    static func run(_ arguments: [String], io: CommandIO) async -> Int32 {
        await ApproveCommand.run(arguments, io: io, verdict: .reject)
    }
}
