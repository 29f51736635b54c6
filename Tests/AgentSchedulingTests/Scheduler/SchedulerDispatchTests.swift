import AgentCore
import Foundation
import TestDeadlines
import Testing

@testable import AgentScheduling

struct SchedulerDispatchTests {
    private static let minutely = ScheduleConfiguration.interval(.seconds(60))

    @Test func theConcurrencyLimitIsNeverExceeded() async throws {
        let probe = Probe()
        let gate = Gate()
        let agents = (0..<10).map { index in
            probedAgent(
                AgentName(stringLiteral: "agent-\(index)"), schedule: Self.minutely,
                policy: RunPolicy(overlap: .allow, retry: .never), probe: probe, gate: gate)
        }
        let harness = try SchedulerHarness(agents: agents) { $0.maximumConcurrentRuns = 3 }
        let scheduler = harness.scheduler
        await harness.clock.advance(by: .seconds(60))
        await scheduler.runDue(now: harness.clock.now)
        await waitBounded("runs to start") { await probe.waitForStarts(3) }
        // A second minute of fires arrives while every slot is taken.
        await harness.clock.advance(by: .seconds(60))
        await scheduler.runDue(now: harness.clock.now)
        await harness.clock.settle()
        #expect(probe.starts.count == 3)
        #expect(await scheduler.activeRunCount == 3)
        gate.open()
        await waitBounded("the scheduler to be quiet") { await scheduler.waitUntilQuiet() }
        let records = try await harness.records()
        #expect(records.count == 20)
        #expect(records.allSatisfy { $0.status == .succeeded })
        #expect(probe.maximum == 3)
    }

    @Test func prioritiesOrderDispatchThenEarliestDue() async throws {
        let probe = Probe()
        func agent(_ name: AgentName, _ priority: RunPriority, offset: Double) -> ClosureAgent {
            probedAgent(
                name, schedule: .interval(.seconds(3600), anchoredAt: schedulerEpoch.addingTimeInterval(offset)),
                policy: RunPolicy(priority: priority, retry: .never), probe: probe)
        }
        let harness = try SchedulerHarness(
            agents: [
                agent("low", .low, offset: 30), agent("normal-later", .normal, offset: 20),
                agent("critical", .critical, offset: 30), agent("normal-earlier", .normal, offset: 10),
                agent("high", .high, offset: 30),
            ]
        ) { $0.maximumConcurrentRuns = 1 }
        await harness.tick(at: schedulerEpoch.addingTimeInterval(30))
        #expect(
            probe.starts.map { $0.split(separator: "@")[0] } == [
                "critical", "high", "normal-earlier", "normal-later", "low",
            ])
        #expect(probe.maximum == 1)
    }

    /// A minutely agent with the given overlap policy whose runs wait at a gate: its first fire is running
    /// (held at the gate) when its second fire is collected.
    private static func secondFireWhileTheFirstRuns(
        _ name: AgentName, overlap: OverlapPolicy
    ) async throws -> (SchedulerHarness, Probe, Gate) {
        let probe = Probe()
        let gate = Gate()
        let agent = probedAgent(
            name, schedule: minutely, policy: RunPolicy(overlap: overlap, retry: .never), probe: probe, gate: gate)
        let harness = try SchedulerHarness(agents: [agent])
        await harness.clock.advance(by: .seconds(60))
        await harness.scheduler.runDue(now: harness.clock.now)
        await waitBounded("runs to start") { await probe.waitForStarts(1) }
        await harness.clock.advance(by: .seconds(60))
        await harness.scheduler.runDue(now: harness.clock.now)
        return (harness, probe, gate)
    }

    @Test func overlapSkipRecordsTheFireThatFindsARunActive() async throws {
        let (harness, probe, gate) = try await Self.secondFireWhileTheFirstRuns("single", overlap: .skip)
        gate.open()
        await waitBounded("the scheduler to be quiet") { await harness.scheduler.waitUntilQuiet() }
        let records = try await harness.records()
        #expect(records.map(\.status) == [.succeeded, .skipped])
        #expect(fires(of: records) == [schedulerEpoch.addingTimeInterval(60), schedulerEpoch.addingTimeInterval(120)])
        #expect(records[1].summary?.contains("overlap policy skip") == true)
        #expect(harness.events(.runSkipped).count == 1)
        #expect(probe.maximum == 1)
    }

    @Test func overlapQueueRunsTheFireAfterTheActiveRunEnds() async throws {
        let (harness, probe, gate) = try await Self.secondFireWhileTheFirstRuns("queued", overlap: .queue)
        await harness.clock.settle()
        #expect(probe.starts.count == 1)
        gate.open()
        await waitBounded("the scheduler to be quiet") { await harness.scheduler.waitUntilQuiet() }
        let records = try await harness.records()
        #expect(records.map(\.status) == [.succeeded, .succeeded])
        #expect(probe.ends.first == probe.starts.first)
        #expect(probe.starts.count == 2)
        #expect(probe.maximum == 1)
        let first = try #require(records.first?.endedAt)
        let second = try #require(records.last?.startedAt)
        #expect(first <= second)
    }

    @Test func overlapReplaceCancelsTheActiveRunThenStarts() async throws {
        let (harness, probe, gate) = try await Self.secondFireWhileTheFirstRuns("replaced", overlap: .replace)
        await waitBounded("runs to start") { await probe.waitForStarts(2) }
        gate.open()
        await waitBounded("the scheduler to be quiet") { await harness.scheduler.waitUntilQuiet() }
        let records = try await harness.records()
        #expect(records.map(\.status) == [.cancelled, .succeeded])
        #expect(records[0].errorClass == .cancelled)
        #expect(fires(of: records) == [schedulerEpoch.addingTimeInterval(60), schedulerEpoch.addingTimeInterval(120)])
        #expect(probe.maximum == 1)
        // A replaced run is neither a failure nor retried.
        #expect(await harness.scheduler.agents().first?.consecutiveFailures == 0)
        #expect(harness.events(.runRetryScheduled).isEmpty)
    }

    @Test func overlapAllowRunsBothAtOnce() async throws {
        let (harness, probe, gate) = try await Self.secondFireWhileTheFirstRuns("parallel", overlap: .allow)
        await waitBounded("runs to start") { await probe.waitForStarts(2) }
        #expect(probe.current == 2)
        gate.open()
        await waitBounded("the scheduler to be quiet") { await harness.scheduler.waitUntilQuiet() }
        #expect(try await harness.records().map(\.status) == [.succeeded, .succeeded])
    }
}
