import AgentCore
import Foundation
import TestDeadlines
import Testing

@testable import AgentScheduling

struct SchedulerBackfillTests {
    private static func date(_ day: Int) throws -> BusinessDate { try BusinessDate(year: 2026, month: 1, day: day) }

    @Test func backfillRunsEachDateInOrderWithItsOwnKeyAndSkipsDatesAlreadyDone() async throws {
        let probe = Probe()
        let harness = try SchedulerHarness(agents: [probedAgent("report", schedule: .manualOnly, probe: probe)])
        _ = try await harness.scheduler.trigger("report", businessDate: try Self.date(3))
        let report = try await harness.scheduler.backfill("report", from: try Self.date(1), through: try Self.date(5))
        #expect(report.entries.map(\.date) == (1...5).map { try! Self.date($0) })
        #expect(
            report.entries.map { $0.execution?.disposition } == [
                .executed, .executed, .duplicate, .executed, .executed,
            ])
        #expect(report.succeededCount == 5)
        #expect(
            probe.starts == [
                "report@manual", "report@2026-01-01", "report@2026-01-02", "report@2026-01-04", "report@2026-01-05",
            ])
        let keys = report.entries.compactMap { $0.execution?.record.idempotencyKey }
        #expect(Set(keys).count == 5)
        #expect(probe.maximum == 1)
    }

    @Test func backfillParallelismStaysWithinTheConcurrencyLimit() async throws {
        let probe = Probe()
        let gate = Gate()
        // Overlap `allow`: otherwise dates wait for each other, whatever the parallelism.
        let agent = probedAgent(
            "wide", schedule: .manualOnly, policy: RunPolicy(overlap: .allow, retry: .never), probe: probe, gate: gate)
        let harness = try SchedulerHarness(agents: [agent]) { $0.maximumConcurrentRuns = 2 }
        let scheduler = harness.scheduler
        let backfill = Task {
            try await scheduler.backfill(
                "wide", from: try Self.date(1), through: try Self.date(10), parallelism: 4)
        }
        await waitBounded("runs to start") { await probe.waitForStarts(2) }
        gate.open()
        let report = try await within("the task to end") { try await backfill.value }
        #expect(report.succeededCount == 10)
        #expect(probe.maximum == 2)
    }

    @Test func cancellingTheCallerStopsTheBackfillAndReportsWhatRan() async throws {
        let probe = Probe()
        let gate = Gate()
        let first = try Self.date(1)
        let agent = ClosureAgent(
            name: "slow", schedule: .manualOnly, policy: RunPolicy(overlap: .allow, retry: .never)
        ) { request, _ in
            probe.enter(label(request))
            defer { probe.exit(label(request)) }
            if request.businessDate == first { try await gate.wait() }
            return .succeeded()
        }
        let harness = try SchedulerHarness(agents: [agent]) { $0.maximumConcurrentRuns = 1 }
        let scheduler = harness.scheduler
        let backfill = Task {
            try await scheduler.backfill("slow", from: first, through: try Self.date(5), parallelism: 3)
        }
        await waitBounded("runs to start") { await probe.waitForStarts(1) }
        // Dates 2 and 3 wait in the queue behind date 1, which holds the only slot.
        #expect(try await scheduler.health().queueDepth == 2)
        backfill.cancel()
        var depth = 2
        for _ in 0..<100_000 where depth > 0 {
            await Task.yield()
            depth = try await scheduler.health().queueDepth
        }
        #expect(depth == 0, "the cancelled backfill's queued dates are dropped")
        gate.open()
        let report = try await within("the task to end") { try await backfill.value }

        #expect(report.entries.map(\.date) == (1...5).map { try! Self.date($0) })
        #expect(report.entries.map { $0.execution?.record.status } == [.succeeded, nil, nil, nil, nil])
        #expect(report.notStartedCount == 4)
        #expect(probe.starts == ["slow@2026-01-01"])
        await waitBounded("the scheduler to be quiet") { await scheduler.waitUntilQuiet() }
        #expect(try await harness.records().count == 1)
        #expect(await scheduler.activeRunCount == 0)
    }

    @Test func aBackfillWhoseCallerIsAlreadyCancelledStartsNothing() async throws {
        let probe = Probe()
        let harness = try SchedulerHarness(agents: [probedAgent("report", schedule: .manualOnly, probe: probe)])
        let scheduler = harness.scheduler
        let report = try await Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await scheduler.backfill("report", from: try Self.date(1), through: try Self.date(3))
        }.value
        #expect(report.notStartedCount == 3)
        #expect(probe.starts.isEmpty)
        #expect(try await harness.records().isEmpty)
    }

    @Test func aBackfillRangeMustBeOrderedAndBounded() async throws {
        let harness = try SchedulerHarness(agents: [probedAgent("report", schedule: .manualOnly, probe: Probe())]) {
            $0.maximumBackfillDates = 31
        }
        await #expect {
            try await harness.scheduler.backfill("report", from: try Self.date(5), through: try Self.date(1))
        } throws: { ($0 as? SchedulerError)?.code == .invalidBackfill }
        let late = try BusinessDate(year: 2026, month: 3, day: 1)
        await #expect {
            try await harness.scheduler.backfill("report", from: try Self.date(1), through: late)
        } throws: { ($0 as? SchedulerError)?.code == .invalidBackfill }
    }
}
