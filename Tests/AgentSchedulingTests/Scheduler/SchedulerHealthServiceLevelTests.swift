import AgentCore
import AgentScheduling
import AgentStorage
import Foundation
import Testing

/// What the health snapshot says about service levels and overdue fires.
struct SchedulerHealthServiceLevelTests {
    let midnight = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01 00:00 UTC
    let ids = RunIDGenerator(random: SeededRandomNumberGenerator(seed: 3))

    private func health(nextFireAt: Date? = nil) -> AgentHealth {
        AgentHealth(
            name: "report", isEnabled: true, isPaused: false, pausedReason: nil, nextFireAt: nextFireAt,
            consecutiveFailures: 0)
    }

    private func record(_ status: RunStatus, started: Date, ended: Date?) -> RunRecord {
        var record = RunRecord(
            id: ids.next(at: started), request: AgentRunRequest(agent: "report"), status: status, queuedAt: started)
        record.startedAt = started
        record.endedAt = ended
        return record
    }

    @Test func aMissedMustSucceedByShowsTheDayUntilARunSucceedsInTime() async throws {
        let store = InMemoryAgentStore(clock: ManualClock(start: midnight))
        let level = ServiceLevel(mustSucceedBy: ServiceLevel.TimeOfDay(hour: 6, minute: 0))
        let seven = midnight.addingTimeInterval(7 * 3600)
        var missed = health()
        try await missed.loadServiceLevel(
            level, schedule: .cron("0 5 * * *"), from: store, now: seven, overdueGracePeriod: .seconds(300))
        #expect(missed.missedMustSucceedBy == "2026-01-01")
        #expect(missed.isServiceLevelBreached)

        // A success that ended after the deadline does not count; one before it does.
        try await store.insertRun(
            record(.succeeded, started: midnight.addingTimeInterval(6.5 * 3600), ended: seven))
        var late = health()
        try await late.loadServiceLevel(
            level, schedule: .cron("0 5 * * *"), from: store, now: seven, overdueGracePeriod: .seconds(300))
        #expect(late.missedMustSucceedBy == "2026-01-01")
        try await store.insertRun(
            record(
                .succeeded, started: midnight.addingTimeInterval(5 * 3600),
                ended: midnight.addingTimeInterval(5.2 * 3600)))
        var met = health()
        try await met.loadServiceLevel(
            level, schedule: .cron("0 5 * * *"), from: store, now: seven, overdueGracePeriod: .seconds(300))
        #expect(met.missedMustSucceedBy == nil)
        #expect(!met.isServiceLevelBreached)

        // Before the day's deadline, yesterday's deadline is the one that counts (and it was missed).
        var early = health()
        try await early.loadServiceLevel(
            level, schedule: .cron("0 5 * * *"), from: store, now: midnight.addingTimeInterval(86_400 + 3600),
            overdueGracePeriod: .seconds(300))
        #expect(early.missedMustSucceedBy == nil, "2026-01-01's deadline was met")
    }

    @Test func theDeadlineIsInTheScheduleTimeZone() async throws {
        let store = InMemoryAgentStore(clock: ManualClock(start: midnight))
        let level = ServiceLevel(mustSucceedBy: ServiceLevel.TimeOfDay(hour: 6, minute: 0))
        // 06:00 in Berlin is 05:00 UTC in winter: at 05:30 UTC it has passed there.
        var berlin = health()
        try await berlin.loadServiceLevel(
            level, schedule: .cron("0 4 * * *", timeZone: "Europe/Berlin"), from: store,
            now: midnight.addingTimeInterval(5.5 * 3600), overdueGracePeriod: .seconds(300))
        #expect(berlin.missedMustSucceedBy == "2026-01-01")
        var utc = health()
        try await utc.loadServiceLevel(
            level, schedule: .cron("0 4 * * *"), from: store, now: midnight.addingTimeInterval(5.5 * 3600),
            overdueGracePeriod: .seconds(300))
        #expect(utc.missedMustSucceedBy == "2025-12-31", "in UTC the latest deadline is the day before's")
    }

    @Test func runsOverMaxDurationAndOverdueFiresAreListed() async throws {
        let store = InMemoryAgentStore(clock: ManualClock(start: midnight))
        let long = record(.running, started: midnight, ended: nil)
        let short = record(.running, started: midnight.addingTimeInterval(3000), ended: nil)
        try await store.insertRun(long)
        try await store.insertRun(short)
        let now = midnight.addingTimeInterval(3700)
        var agent = health(nextFireAt: midnight.addingTimeInterval(3000))
        try await agent.loadServiceLevel(
            ServiceLevel(maxDuration: .seconds(3600)), schedule: .cron("*/50 * * * *"), from: store, now: now,
            overdueGracePeriod: .seconds(600))
        #expect(agent.runsOverMaxDuration == [long.id])
        #expect(agent.overdueFireAt == midnight.addingTimeInterval(3000))
        var recent = health(nextFireAt: midnight.addingTimeInterval(3500))
        try await recent.loadServiceLevel(
            .none, schedule: .cron("*/50 * * * *"), from: store, now: now, overdueGracePeriod: .seconds(600))
        #expect(recent.overdueFireAt == nil, "a fire within the grace period is not overdue")
        #expect(recent.runsOverMaxDuration.isEmpty, "without maxDuration nothing is over it")
    }
}
