import AgentCore
import Foundation

extension AgentHealth {
    /// Fills ``serviceLevel``, ``missedMustSucceedBy``, ``runsOverMaxDuration`` and ``overdueFireAt`` from the store,
    /// with the rules the runner's service-level monitor announces breaches by.
    /// - Parameters:
    ///   - serviceLevel: The agent's service levels.
    ///   - schedule: Its schedule (the time zone of `mustSucceedBy`).
    ///   - store: Where its runs are.
    ///   - now: The current time.
    ///   - overdueGracePeriod: How long after its nominal time an unhandled fire counts as overdue.
    /// - Throws: ``StoreError`` when the store cannot be read.
    public mutating func loadServiceLevel(
        _ serviceLevel: ServiceLevel, schedule: ScheduleConfiguration, from store: any RunStore, now: Date,
        overdueGracePeriod: Duration
    ) async throws {
        self.serviceLevel = serviceLevel
        if let next = nextFireAt, next.addingTimeInterval(overdueGracePeriod.timeInterval) < now, isEnabled,
            !isPaused
        {
            overdueFireAt = next
        }
        if let limit = serviceLevel.maxDuration {
            let running = try await store.queryRuns(
                RunQuery(agent: name, statuses: [.running], limit: RunQuery.maximumLimit))
            runsOverMaxDuration = running.records.filter { record in
                (record.startedAt ?? record.queuedAt).addingTimeInterval(limit.timeInterval) < now
            }.map(\.id)
        }
        if let time = serviceLevel.mustSucceedBy, isEnabled, !isPaused {
            let calendar = ServiceLevelRules.calendar(for: schedule)
            if let deadline = ServiceLevelRules.latestDeadline(time, in: calendar, atOrBefore: now),
                try await !ServiceLevelRules.metDeadline(of: name, deadline: deadline, in: calendar, store: store)
            {
                missedMustSucceedBy = ServiceLevelRules.dayText(deadline, in: calendar)
            }
        }
    }
}
