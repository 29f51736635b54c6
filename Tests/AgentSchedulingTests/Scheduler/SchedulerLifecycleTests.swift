import AgentCore
import Foundation
import TestDeadlines
import Testing

@testable import AgentScheduling

struct SchedulerLifecycleTests {
    @Test func gracefulShutdownLeavesEveryRunWithATerminalRecord() async throws {
        let probe = Probe()
        let finishes = Gate()
        let minute = ScheduleConfiguration.interval(.seconds(60))
        let cooperative = probedAgent("cooperative", schedule: minute, probe: probe, gate: finishes)
        // Ignores the gate: only cancellation stops it.
        let stubborn = probedAgent("stubborn", schedule: minute, probe: probe, gate: Gate())
        let queued = probedAgent(
            "queued", schedule: minute, policy: RunPolicy(priority: .low, retry: .never), probe: probe)
        let harness = try SchedulerHarness(agents: [cooperative, stubborn, queued]) {
            $0.maximumConcurrentRuns = 2
            $0.shutdownGracePeriod = .seconds(30)
        }
        let task = Task { try await harness.scheduler.run() }
        await waitBounded("the scheduler to park") { _ = await harness.scheduler.waitUntilParked() }
        await harness.clock.advance(to: schedulerEpoch.addingTimeInterval(60))
        await waitBounded("runs to start") { await probe.waitForStarts(2) }

        task.cancel()
        while await harness.scheduler.state != .stopping { await Task.yield() }
        finishes.open()
        while try await harness.records(of: "cooperative").first?.status != .succeeded { await Task.yield() }
        #expect(try await harness.records(of: "stubborn").first?.status == .running)
        await harness.clock.advance(by: .seconds(31))
        try await within("the task to end") { try await task.value }

        let records = try await harness.records()
        #expect(records.allSatisfy { $0.status.isTerminal })
        #expect(try await harness.records(of: "stubborn").map(\.status) == [.cancelled])
        // The low-priority fire never started: it has no record, and the persisted state still holds it, so the
        // next start handles it under the misfire policy.
        #expect(try await harness.records(of: "queued").isEmpty)
        let held = try await harness.store.scheduleState(for: "queued")
        #expect(held?.nextFireAt == schedulerEpoch.addingTimeInterval(60))
        #expect(probe.starts.count == 2)
        #expect(await harness.scheduler.state == .stopped)
    }

    @Test func anUnreachableStoreIsAnErrorStateThatRecoversWithBackoff() async throws {
        let clock = ManualClock()
        let store = FlakyStore(clock: clock)
        let probe = Probe()
        let agent = probedAgent("steady", schedule: .interval(.seconds(60)), probe: probe)
        let harness = try SchedulerHarness(agents: [agent], clock: clock, store: store) {
            $0.storeRetry = RetryPolicy(initialDelay: .seconds(5), multiplier: 2, maximumDelay: .seconds(60), jitter: 0)
        }
        await harness.tick(at: schedulerEpoch.addingTimeInterval(60))
        store.isDown = true
        await harness.tick(at: schedulerEpoch.addingTimeInterval(120))
        #expect(await harness.scheduler.state == .error)
        let firstRetry = try #require(await harness.scheduler.nextWake)
        #expect(firstRetry == schedulerEpoch.addingTimeInterval(125))
        await harness.tick(at: firstRetry)
        // Still down: the next attempt backs off further.
        #expect(await harness.scheduler.nextWake == schedulerEpoch.addingTimeInterval(135))
        store.isDown = false
        await harness.tick(at: schedulerEpoch.addingTimeInterval(135))
        #expect(await harness.scheduler.state == .running)

        let records = try await harness.records()
        #expect(records.allSatisfy { $0.status == .succeeded })
        // The 02:00 fire was claimed late, but exactly once; nothing was lost or doubled.
        #expect(fires(of: records) == [60, 120].map { schedulerEpoch.addingTimeInterval($0) })
        let states = harness.events(.schedulerStateChanged).compactMap { $0.schedulerState?.to }
        #expect(states == ["running", "error", "running"])
    }
}
