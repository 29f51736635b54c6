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
            try await agent.loadRunFigures(from: store, since: since)
            result.agents.append(agent)
        }
        return result
    }
}
