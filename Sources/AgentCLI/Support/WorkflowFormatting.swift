import AgentCore
import AgentScheduling
import Foundation

/// Text and JSON for plan runs and approval requests.
enum WorkflowFormatting {
    /// One line of JSON with sorted keys and ISO-8601 timestamps.
    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom(Timestamp.encode)
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// `nightly-2025-01-15  failed  attempt 1  3 tasks: 1 succeeded, 1 failed, 1 skipped`.
    static func line(_ run: PlanRun) -> String {
        var counts: [PlanTaskStatus: Int] = [:]
        for task in run.tasks { counts[task.status, default: 0] += 1 }
        let summary = PlanTaskStatus.allCases.compactMap { status in counts[status].map { "\($0) \(status)" } }
        return
            "\(run.id)  \(run.status)  attempt \(run.attempt)  \(run.tasks.count) tasks: \(summary.joined(separator: ", "))"
    }

    /// The task table of `plan show`.
    static func table(_ run: PlanRun) -> String {
        var table = TextTable(["TASK", "AGENT", "STATUS", "REASON", "STARTED", "DURATION", "RUN"])
        for task in run.tasks {
            let duration: Duration? = task.startedAt.flatMap { start in
                task.endedAt.map { .milliseconds(Timestamp.milliseconds($0) - Timestamp.milliseconds(start)) }
            }
            table.add([
                task.id, task.agentName.rawValue, task.status.rawValue, task.reason ?? "",
                task.startedAt.map(Timestamp.format) ?? "", RunFormatting.duration(duration),
                task.runID?.rawValue ?? "",
            ])
        }
        return """
            Plan run \(run.id) (plan \(run.plan), business date \(run.businessDate)): \(run.status), attempt \(run.attempt)
            \(table.render())
            """
    }

    /// The table of `approvals`.
    static func table(_ requests: [ApprovalRequest]) -> String {
        var table = TextTable(["RUN", "TASK", "STATE", "OUTPUTS", "DEADLINE", "DECIDED BY"])
        for request in requests {
            table.add([
                request.runID.rawValue, request.planRunID.map { "\($0)/\(request.taskName)" } ?? request.taskName,
                request.state.rawValue, request.outputsURI ?? "", Timestamp.format(request.deadline),
                request.decision.map { "\($0.decidedBy) at \(Timestamp.format($0.decidedAt))" } ?? "",
            ])
        }
        return table.render()
    }
}

extension CommandContext {
    /// Opens the store with plan runs and approvals, printing the reason on failure (it cannot be opened, or it
    /// keeps no plan runs and approvals).
    /// - Returns: The store, or `nil` (exit status 1).
    func openWorkflowStore(command: String, io: CommandIO) async -> (any WorkflowStore)? {
        guard let store = await openStore(forScheduling: false, command: command, io: io) else { return nil }
        guard let workflows = store as? any WorkflowStore else {
            io.printError(
                "agentctl \(command): the store at \(store.location) keeps no plan runs or approvals; "
                    + "use a store that does (the JSON-file store, for example)")
            return nil
        }
        return workflows
    }
}

extension CommandContext {
    /// Opens the configured store as a pipeline store, or reports that it keeps no candidates.
    /// - Parameters:
    ///   - command: The command's name, for messages.
    ///   - io: Where problems are reported.
    /// - Returns: The store, or `nil` (reported).
    func openPipelineStore(command: String, io: CommandIO) async -> (any PipelineStore)? {
        guard let store = await openStore(forScheduling: false, command: command, io: io) else { return nil }
        guard let pipelines = store as? any PipelineStore else {
            io.printError(
                "agentctl \(command): the store at \(store.location) keeps no pipeline candidates; "
                    + "use a store that does (the JSON-file store, for example)")
            return nil
        }
        return pipelines
    }
}
