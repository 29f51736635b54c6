import AgentCore
import Foundation

extension AgentHealth {
    /// Fills every figure that comes from the agent's stored records: the window statistics (see
    /// ``summarize(_:)``), the last status, and the last success and failure times.
    ///
    /// ``AgentScheduler/health(window:)`` uses it for each registered agent; tools that read a store without
    /// running a scheduler (`agentctl health`) compute the same figures with it.
    /// - Parameters:
    ///   - store: Where the agent's runs are.
    ///   - since: The start of the window (runs queued at or after it are summarized).
    /// - Throws: ``StoreError`` when the store cannot be read.
    public mutating func loadRunFigures(from store: any RunStore, since: Date) async throws {
        var recent: [RunRecord] = []
        var query = RunQuery(agent: name, queuedSince: since, limit: RunQuery.maximumLimit)
        while true {
            let page = try await store.queryRuns(query)
            recent += page.records
            guard let cursor = page.nextCursor else { break }
            query.cursor = cursor
        }
        summarize(recent)
        tokenUsage = TokenUsageText.sums(recent)
        lastStatus = recent.first?.status
        if lastStatus == nil {
            lastStatus = try await store.queryRuns(RunQuery(agent: name, limit: 1)).records.first?.status
        }
        lastSuccessAt = try await store.queryRuns(
            RunQuery(agent: name, statuses: [.succeeded, .noOp], limit: 1)
        ).records.first?.endedAt
        lastFailureAt = try await store.queryRuns(
            RunQuery(agent: name, statuses: Self.failureStatuses, limit: 1)
        ).records.first?.endedAt
    }
}
