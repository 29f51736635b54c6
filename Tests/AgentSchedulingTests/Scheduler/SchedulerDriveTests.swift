import AgentCore
import Foundation
import TestDeadlines
import Testing

@testable import AgentScheduling

struct SchedulerDriveTests {
    /// Drives `run()` on the manual clock: whenever the scheduler parks, moves time to its wake-up deadline.
    private static func drive(_ harness: SchedulerHarness, until end: Date) async throws {
        let task = Task { try await harness.scheduler.run() }
        while let deadline = try await within("the scheduler to park", { await harness.scheduler.waitUntilParked() }),
            deadline <= end
        {
            await harness.clock.advance(to: deadline)
        }
        task.cancel()
        try await within("the task to end") { try await task.value }
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

    @Test func simulateStepsEveryWakeUpAndRunsEachFireOnceAndCanBeRepeated() async throws {
        let start = schedulerEpoch
        let firstEnd = start.addingTimeInterval(2 * 86_400)
        let secondEnd = firstEnd.addingTimeInterval(86_400)
        let configurations: [(AgentName, ScheduleConfiguration)] = [
            ("every-5-minutes", .cron("*/5 * * * *")),
            ("quarter-past", .cron("15 * * * *")),
            ("nightly-new-york", .cron("30 2 * * *", timeZone: "America/New_York")),
            ("every-7-minutes", .interval(.seconds(420))),
        ]
        let probe = Probe()
        var agents: [any AgentDefinition] = configurations.map { name, schedule in
            probedAgent(name, schedule: schedule, probe: probe)
        }
        // An agent that suspends and resumes on other threads, as real agents do.
        agents.append(
            ClosureAgent(name: "suspending", schedule: .cron("*/10 * * * *"), policy: RunPolicy(retry: .never)) {
                _, _ in
                await Task.yield()
                let value = await Task.detached { 42 }.value
                return value == 42 ? .succeeded() : .noOp()
            })
        let clock = ManualClock(start: start, yieldsPerWake: 0)
        let harness = try SchedulerHarness(agents: agents, clock: clock) { $0.maximumConcurrentRuns = 2 }

        let firstTicks = await harness.scheduler.simulate(through: firstEnd, on: clock)
        let secondTicks = await harness.scheduler.simulate(through: secondEnd, on: clock)

        var instants: Set<Date> = []
        let all = configurations + [("suspending", .cron("*/10 * * * *"))]
        for (name, configuration) in all {
            let expected = Array(try Schedule(configuration).fireTimes(after: start).prefix { $0 <= secondEnd })
            let records = try await harness.records(of: name)
            #expect(fires(of: records) == expected, "\(name)")
            #expect(records.allSatisfy { $0.status == .succeeded }, "\(name)")
            instants.formUnion(expected)
        }
        #expect(firstTicks + secondTicks == instants.count)
        #expect(instants.filter { $0 <= firstEnd }.count == firstTicks)
        #expect(probe.maximum <= 2)
        #expect(harness.events(.scheduleMissed).isEmpty)
        #expect(try #require(await harness.scheduler.nextWake) > secondEnd)
        #expect(await harness.scheduler.activeRunCount == 0)
    }

    @Test func runSleepsUntilTheEarliestFireAndAScheduleChangeWakesItEarly() async throws {
        let probe = Probe()
        let daily = probedAgent("daily", schedule: .cron("0 6 * * *"), probe: probe)
        let harness = try SchedulerHarness(agents: [daily])
        let task = Task { try await harness.scheduler.run() }
        #expect(
            try await within("the scheduler to park", { await harness.scheduler.waitUntilParked() })
                == schedulerEpoch.addingTimeInterval(6 * 3600))
        try await harness.scheduler.add(probedAgent("soon", schedule: .cron("5 0 * * *"), probe: probe))
        #expect(
            try await within("the scheduler to park", { await harness.scheduler.waitUntilParked() })
                == schedulerEpoch.addingTimeInterval(300))
        #expect(probe.starts.isEmpty)
        task.cancel()
        try await within("the task to end") { try await task.value }
    }

    @Test func withNothingScheduledRunParksWithoutADeadlineAndIsIdle() async throws {
        let harness = try SchedulerHarness(agents: [probedAgent("manual", schedule: .manualOnly, probe: Probe())])
        let task = Task { try await harness.scheduler.run() }
        #expect(try await within("the scheduler to park", { await harness.scheduler.waitUntilParked() }) == nil)
        #expect(await harness.scheduler.state == .idle)
        #expect(harness.clock.sleeperCount == 0)
        task.cancel()
        try await within("the task to end") { try await task.value }
        #expect(await harness.scheduler.state == .stopped)
        let transitions = harness.events(.schedulerStateChanged).compactMap { $0.schedulerState?.to }
        #expect(transitions == ["stopping", "stopped"])
    }
}
