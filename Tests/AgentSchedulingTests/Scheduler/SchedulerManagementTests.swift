import AgentCore
import Foundation
import TestDeadlines
import Testing

@testable import AgentScheduling

struct SchedulerManagementTests {
    private static func at(_ seconds: Double) -> Date { schedulerEpoch.addingTimeInterval(seconds) }

    @Test func invalidSchedulesAreRejectedWithTheFieldAndReason() async throws {
        #expect {
            _ = try AgentScheduler.validate(.cron("61 * * * *"), from: schedulerEpoch)
        } throws: { error in
            guard let error = error as? SchedulerError else { return false }
            return error.code == .invalidSchedule && error.message.contains("minute")
        }
        #expect(throws: SchedulerError.self) {
            try AgentScheduler.validate(.cron("0 9 * * *", timeZone: "Mars/Olympus"), from: schedulerEpoch)
        }
        let harness = try SchedulerHarness(agents: [])
        await #expect(throws: SchedulerError.self) {
            try await harness.scheduler.add(probedAgent("bad", schedule: .cron("* * *"), probe: Probe()))
        }
    }

    @Test func validateListsTheNextFireTimes() throws {
        let validation = try AgentScheduler.validate(.cron("0 9 * * 1-5"), from: schedulerEpoch, count: 3)
        // 2026-01-01 is a Thursday.
        #expect(validation.upcoming == [Self.at(9 * 3600), Self.at(33 * 3600), Self.at(105 * 3600)])
        #expect(try AgentScheduler.validate(.manualOnly, from: schedulerEpoch).upcoming.isEmpty)
    }

    @Test func agentsAreListedWithTheirNextFireTimes() async throws {
        let probe = Probe()
        let harness = try SchedulerHarness(agents: [
            probedAgent("b-hourly", schedule: .cron("@hourly"), probe: probe),
            probedAgent("a-manual", schedule: .manualOnly, probe: probe),
        ])
        await harness.tick(at: schedulerEpoch)
        let listed = await harness.scheduler.agents()
        #expect(listed.map(\.name) == ["a-manual", "b-hourly"])
        #expect(listed.map(\.nextFireAt) == [nil, Self.at(3600)])
        #expect(listed[1].scheduleDescription.contains("hour"))
    }

    @Test func addingADuplicateNameFails() async throws {
        let harness = try SchedulerHarness(agents: [probedAgent("one", schedule: .manualOnly, probe: Probe())])
        await #expect {
            try await harness.scheduler.add(probedAgent("one", schedule: .manualOnly, probe: Probe()))
        } throws: { ($0 as? SchedulerError)?.code == .duplicateAgent }
    }

    @Test func updateReschedulesFromNow() async throws {
        let probe = Probe()
        let harness = try SchedulerHarness(agents: [probedAgent("job", schedule: .cron("0 6 * * *"), probe: probe)])
        await harness.tick(at: Self.at(60))
        try await harness.scheduler.update(probedAgent("job", schedule: .cron("*/10 * * * *"), probe: probe))
        #expect(await harness.scheduler.nextWake == Self.at(600))
        await harness.tick(at: Self.at(600))
        #expect(fires(of: try await harness.records()) == [Self.at(600)])
    }

    @Test func disableStopsTheScheduleAndEnableResumesFromNow() async throws {
        let probe = Probe()
        let harness = try SchedulerHarness(agents: [probedAgent("job", schedule: .interval(.seconds(60)), probe: probe)]
        )
        await harness.tick(at: Self.at(60))
        try await harness.scheduler.disable("job")
        #expect(await harness.scheduler.agents().first?.nextFireAt == nil)
        await harness.tick(at: Self.at(300))
        try await harness.scheduler.enable("job")
        #expect(await harness.scheduler.nextWake == Self.at(360))
        await harness.tick(at: Self.at(360))
        // Fires while disabled are not caught up.
        #expect(fires(of: try await harness.records()) == [Self.at(60), Self.at(360)])
        #expect(harness.events(.scheduleMissed).isEmpty)
    }

    @Test func pauseIsPersistedWithItsReasonAndResumeCatchesUp() async throws {
        let probe = Probe()
        let harness = try SchedulerHarness(agents: [probedAgent("job", schedule: .interval(.seconds(60)), probe: probe)]
        )
        await harness.tick(at: Self.at(60))
        try await harness.scheduler.pause("job", reason: "maintenance window")
        await harness.tick(at: Self.at(600))
        let state = try await harness.store.scheduleState(for: "job")
        #expect(state?.isPaused == true)
        #expect(state?.pausedReason == "maintenance window")
        try await harness.scheduler.resume("job")
        await harness.tick(at: Self.at(630))
        // Default misfire policy (runOnce): one catch-up for the fires missed while paused.
        let records = try await harness.records()
        #expect(records.filter { $0.status == .succeeded }.count == 3)
        #expect(fires(of: records.filter { $0.status == .succeeded }) == [Self.at(60), Self.at(540), Self.at(600)])
        #expect(records.filter { $0.status == .skipped }.count == 7)
    }

    @Test func removeForgetsTheAgentAndItsState() async throws {
        let harness = try SchedulerHarness(agents: [
            probedAgent("job", schedule: .interval(.seconds(60)), probe: Probe())
        ])
        await harness.tick(at: Self.at(60))
        #expect(try await harness.store.scheduleState(for: "job") != nil)
        try await harness.scheduler.remove("job")
        #expect(try await harness.store.scheduleState(for: "job") == nil)
        #expect(await harness.scheduler.nextWake == nil)
        #expect(await harness.scheduler.state == .idle)
        await #expect(throws: SchedulerError.self) { try await harness.scheduler.pause("job") }
    }

    @Test func pausingTheSchedulerHoldsEveryRunUntilResumed() async throws {
        let probe = Probe()
        let harness = try SchedulerHarness(agents: [probedAgent("job", schedule: .interval(.seconds(60)), probe: probe)]
        )
        await harness.scheduler.pause()
        #expect(await harness.scheduler.state == .paused)
        await harness.tick(at: Self.at(90))
        #expect(probe.starts.isEmpty)
        await harness.scheduler.resume()
        await harness.tick(at: Self.at(90))
        #expect(probe.starts == ["job@\(Timestamp.format(Self.at(60)))"])
    }

    @Test func manualTriggerRunsThroughTheQueueWithRetries() async throws {
        let agent = ClosureAgent(
            name: "manual",
            policy: RunPolicy(retry: RetryPolicy(maximumRetries: 1, initialDelay: .seconds(10), jitter: 0))
        ) { _, context in
            context.attempt == 1 ? .failed(.transient, "first try fails") : .succeeded("second try")
        }
        let harness = try SchedulerHarness(agents: [agent])
        let scheduler = harness.scheduler
        let loop = Task { try await scheduler.run() }
        let trigger = Task { try await scheduler.trigger("manual", parameters: ["n": 1]) }
        var deadline = try await within("the scheduler to park", { await scheduler.waitUntilParked() })
        while deadline == nil {
            await harness.clock.settle()
            deadline = try await within("the scheduler to park", { await scheduler.waitUntilParked() })
        }
        #expect(deadline == Self.at(10))
        await harness.clock.advance(to: Self.at(10))
        let execution = try await within("the task to end") { try await trigger.value }
        #expect(execution.record.attempt == 2)
        #expect(execution.record.status == .succeeded)
        loop.cancel()
        try await within("the task to end") { try await loop.value }
    }
}
