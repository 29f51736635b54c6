import AgentCore
import AgentScheduling
import AgentStorage
import Foundation
import TestDeadlines
import Testing

/// A schedule set at run time through the store: applied by a live runner, kept across restarts and over a
/// redefinition, and cleared back to the configured schedule.
@Suite struct ScheduleOverrideTests {
    let start = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01 00:00 UTC

    @Test func aLiveRunnerFiresByTheOverrideUntilItIsCleared() async throws {
        let clock = ManualClock(start: start)
        let store = InMemoryAgentStore(clock: clock)
        let agent = probedAgent("report", schedule: .cron("0 * * * *"), probe: Probe())
        let runner = try AgentRunner(
            agents: [agent], store: store, clock: clock, options: runnerOptions("r1", plans: []))
        let running = RunningRunner(runner)
        await waitBounded("the scheduler to park") { _ = await runner.scheduler.waitUntilParked() }
        #expect(await runner.scheduler.agents().first?.nextFireAt == start.addingTimeInterval(3600))

        let control = RunnerControl(store: store, requester: "person", clock: clock)
        let set = try await control.setSchedule(.interval(.seconds(600)), of: "report")
        #expect(set.changed)
        #expect(try await control.setSchedule(.interval(.seconds(600)), of: "report").changed == false)
        await eventually("the runner did not apply the schedule override") {
            await runner.scheduler.agents().first?.nextFireAt == start.addingTimeInterval(600)
        }
        let overridden = try #require(await runner.scheduler.agents().first)
        #expect(overridden.isScheduleOverridden)
        #expect(overridden.schedule == .interval(.seconds(600)))
        #expect(overridden.configuredSchedule == .cron("0 * * * *"))

        await clock.advance(by: .seconds(1_200))
        await waitBounded("the scheduler to be quiet") { await runner.scheduler.waitUntilQuiet() }
        let fired = try await store.queryRuns(RunQuery(agent: "report")).records
        #expect(
            fired.compactMap(\.request.trigger.nominalFireTime).sorted() == [600, 1_200].map(start.addingTimeInterval))
        // The runner's own bookkeeping after those fires kept the override in the store.
        #expect(try await store.scheduleState(for: "report")?.scheduleOverride == .interval(.seconds(600)))

        #expect(try await control.clearSchedule(of: "report").changed)
        await eventually("the runner did not go back to the configured schedule") {
            await runner.scheduler.agents().first?.nextFireAt == start.addingTimeInterval(3600)
        }
        #expect(await runner.scheduler.agents().first?.isScheduleOverridden == false)
        await running.stop(clock: clock)
    }

    @Test func anOverrideSurvivesARestartAndARedefinition() async throws {
        let clock = ManualClock(start: start)
        let store = InMemoryAgentStore(clock: clock)
        try await RunnerControl(store: store, clock: clock).setSchedule(.cron("*/15 * * * *"), of: "report")

        let agent = probedAgent("report", schedule: .cron("0 * * * *"), probe: Probe())
        let runner = try AgentRunner(
            agents: [agent], store: store, clock: clock, options: runnerOptions("r2", plans: []))
        let running = RunningRunner(runner)
        await waitBounded("the scheduler to park") { _ = await runner.scheduler.waitUntilParked() }
        #expect(await runner.scheduler.agents().first?.nextFireAt == start.addingTimeInterval(900))

        let redefined = probedAgent("report", schedule: .cron("30 * * * *"), probe: Probe())
        try await runner.scheduler.update(redefined)
        let after = try #require(await runner.scheduler.agents().first)
        #expect(after.nextFireAt == start.addingTimeInterval(900))
        #expect(after.configuredSchedule == .cron("30 * * * *"))
        await running.stop(clock: clock)
    }

    @Test func aScheduleThatDoesNotParseIsRefusedAndNothingIsWritten() async throws {
        let clock = ManualClock(start: start)
        let store = InMemoryAgentStore(clock: clock)
        let control = RunnerControl(store: store, clock: clock)
        let error = await #expect(throws: SchedulerError.self) {
            try await control.setSchedule(.cron("61 * * * *"), of: "report")
        }
        #expect(error?.code == .invalidSchedule)
        #expect(try await store.scheduleState(for: "report") == nil)
        #expect(try await control.clearSchedule(of: "report").changed == false)
    }
}
