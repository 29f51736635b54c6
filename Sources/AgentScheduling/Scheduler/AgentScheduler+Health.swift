import AgentCore
import Foundation

extension AgentScheduler {
    /// A health snapshot: the scheduler's state, queue and slots, and per agent its pause, failure streak,
    /// next fire, last status, last success and failure, and run count, success rate and p50/p95 duration
    /// over the window, all computed from the stored records.
    /// - Parameters:
    ///   - window: The window of the run statistics (default 24 h).
    ///   - overdueGracePeriod: How long after its nominal time an unhandled fire counts as overdue (default: the
    ///     larger of the misfire threshold and 5 minutes, as the runner's monitor).
    /// - Returns: The snapshot, with each agent's service levels and overdue fire.
    /// - Throws: ``StoreError`` when the store cannot be read.
    public func health(
        window: Duration = .seconds(86_400), overdueGracePeriod: Duration? = nil
    ) async throws -> SchedulerHealth {
        let grace = overdueGracePeriod ?? max(configuration.misfireThreshold, .seconds(300))
        let now = clock.now
        let since = now.addingTimeInterval(-window.timeInterval)
        let snapshot = SchedulerHealth(
            takenAt: now, window: window, state: currentState,
            queueDepth: queue.count + waiting.values.reduce(0) { $0 + $1.count }, runningCount: active.count,
            waitingRetries: retries.count, concurrencyLimit: configuration.maximumConcurrentRuns,
            storeError: storeFailure?.message, agents: [])
        let entries = registry.values.sorted { $0.definition.name < $1.definition.name }.map { entry in
            (
                definition: entry.definition,
                health: AgentHealth(
                    name: entry.definition.name, isEnabled: entry.isEnabled, isPaused: entry.state.isPaused,
                    pausedReason: entry.state.pausedReason, nextFireAt: entry.isScheduled ? entry.nextFire : nil,
                    consecutiveFailures: entry.state.consecutiveFailures)
            )
        }
        var result = snapshot
        for (definition, var agent) in entries {
            try await agent.loadRunFigures(from: store, since: since)
            try await agent.loadServiceLevel(
                definition.policy.serviceLevel, schedule: definition.schedule, from: store, now: now,
                overdueGracePeriod: grace)
            result.agents.append(agent)
        }
        return result
    }
}
