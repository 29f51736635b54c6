import AgentCore
import Foundation
import Testing

@testable import AgentScheduling

struct SchedulerDriveTests {
    /// Drives `run()` on the manual clock: whenever the scheduler parks, moves time to its wake-up deadline.
    private static func drive(_ harness: SchedulerHarness, until end: Date) async throws {
        let task = Task { try await harness.scheduler.run() }
        while let deadline = await harness.scheduler.waitUntilParked(), deadline <= end {
            await harness.clock.advance(to: deadline)
        }
        task.cancel()
        try await task.value
    }

    @Test func aWeekOfMixedSchedulesFiresExactlyWhatTheScheduleEnginePredicts() async throws {
        // 2026-03-05, so the week crosses the US spring-forward night (2026-03-08).
        let start = Date(timeIntervalSince1970: 1_772_668_800)
        let end = start.addingTimeInterval(7 * 86_400)
        let configurations: [(AgentName, ScheduleConfiguration)] = [
            ("quarter-hourly", .cron("*/15 * * * *")),
            ("weekday-berlin", .cron("0 9 * * 1-5", timeZone: "Europe/Berlin")),
            ("nightly-new-york", .cron("30 2 * * *", timeZone: "America/New_York")),
            ("business-new-york", .cron("*/30 9-17 * * 1-5", timeZone: "America/New_York")),
            ("sunday", .cron("0 2 * * 0")),
            ("hourly", .cron("@hourly")),
            ("every-7-minutes", .interval(.seconds(420))),
        ]
        let probe = Probe()
        let agents = configurations.map { name, schedule in probedAgent(name, schedule: schedule, probe: probe) }
        let harness = try SchedulerHarness(agents: agents, clock: ManualClock(start: start))
        try await Self.drive(harness, until: end)

        var expectedTotal = 0
        for (name, configuration) in configurations {
            let schedule = try Schedule(configuration)
            let expected = Array(schedule.fireTimes(after: start).prefix { $0 <= end })
            let records = try await harness.records(of: name)
            #expect(fires(of: records) == expected, "\(name)")
            #expect(records.allSatisfy { $0.status == .succeeded }, "\(name)")
            expectedTotal += expected.count
        }
        #expect(probe.starts.count == expectedTotal)
        #expect(harness.events(.scheduleMissed).isEmpty)
    }

    @Test func runSleepsUntilTheEarliestFireAndAScheduleChangeWakesItEarly() async throws {
        let probe = Probe()
        let daily = probedAgent("daily", schedule: .cron("0 6 * * *"), probe: probe)
        let harness = try SchedulerHarness(agents: [daily])
        let task = Task { try await harness.scheduler.run() }
        #expect(await harness.scheduler.waitUntilParked() == schedulerEpoch.addingTimeInterval(6 * 3600))
        try await harness.scheduler.add(probedAgent("soon", schedule: .cron("5 0 * * *"), probe: probe))
        #expect(await harness.scheduler.waitUntilParked() == schedulerEpoch.addingTimeInterval(300))
        #expect(probe.starts.isEmpty)
        task.cancel()
        try await task.value
    }

    @Test func withNothingScheduledRunParksWithoutADeadlineAndIsIdle() async throws {
        let harness = try SchedulerHarness(agents: [probedAgent("manual", schedule: .manualOnly, probe: Probe())])
        let task = Task { try await harness.scheduler.run() }
        #expect(await harness.scheduler.waitUntilParked() == nil)
        #expect(await harness.scheduler.state == .idle)
        #expect(harness.clock.sleeperCount == 0)
        task.cancel()
        try await task.value
        #expect(await harness.scheduler.state == .stopped)
        let transitions = harness.events(.schedulerStateChanged).compactMap { $0.metadata["to"] }
        #expect(transitions == ["stopping", "stopped"])
    }
}
