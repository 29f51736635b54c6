import AgentCore
import Foundation

extension AgentScheduler {
    /// A health snapshot: the scheduler's state, queue and slots, and per agent its pause, failure streak,
    /// next fire, last status, last success and failure, and run count, success rate and p50/p95 duration
    /// over the window, all computed from the stored records.
    /// - Parameter window: The window of the run statistics (default 24 h).
    /// - Returns: The snapshot.
    /// - Throws: ``StoreError`` when the store cannot be read.
    public func health(window: Duration = .seconds(86_400)) async throws -> SchedulerHealth {
        let now = clock.now
        let since = now.addingTimeInterval(-window.timeInterval)
        let snapshot = SchedulerHealth(
            takenAt: now, window: window, state: currentState,
            queueDepth: queue.count + waiting.values.reduce(0) { $0 + $1.count }, runningCount: active.count,
            waitingRetries: retries.count, concurrencyLimit: configuration.maximumConcurrentRuns,
            storeError: storeFailure?.message, agents: [])
        let entries = registry.values.sorted { $0.definition.name < $1.definition.name }.map { entry in
            AgentHealth(
                name: entry.definition.name, isEnabled: entry.isEnabled, isPaused: entry.state.isPaused,
                pausedReason: entry.state.pausedReason, nextFireAt: entry.isScheduled ? entry.nextFire : nil,
                consecutiveFailures: entry.state.consecutiveFailures)
        }
        var result = snapshot
        for var agent in entries {
            let recent = try await records(of: agent.name, since: since)
            agent.summarize(recent)
            var newest = recent.first
            if newest == nil { newest = try await store.queryRuns(RunQuery(agent: agent.name, limit: 1)).records.first }
            agent.lastStatus = newest?.status
            agent.lastSuccessAt = try await store.queryRuns(
                RunQuery(agent: agent.name, statuses: [.succeeded, .noOp], limit: 1)
            ).records.first.flatMap { $0.endedAt }
            agent.lastFailureAt = try await store.queryRuns(
                RunQuery(agent: agent.name, statuses: AgentHealth.failureStatuses, limit: 1)
            ).records.first.flatMap { $0.endedAt }
            result.agents.append(agent)
        }
        return result
    }

    /// Every record of an agent queued since a time, newest first.
    private func records(of name: AgentName, since: Date) async throws -> [RunRecord] {
        var all: [RunRecord] = []
        var query = RunQuery(agent: name, queuedSince: since, limit: RunQuery.maximumLimit)
        while true {
            let page = try await store.queryRuns(query)
            all += page.records
            guard let cursor = page.nextCursor else { return all }
            query.cursor = cursor
        }
    }
}
