import AgentCore
import Foundation
import Testing

@testable import AgentScheduling

struct SchedulerHealthTests {
    @Test func theHealthSnapshotMatchesTheRecords() async throws {
        let now = schedulerEpoch.addingTimeInterval(2 * 86_400 + 1800)
        let harness = try SchedulerHarness(
            agents: [probedAgent("reporter", schedule: .interval(.seconds(3600)), probe: Probe())],
            clock: ManualClock(start: now))
        try await harness.scheduler.pause("reporter", reason: "investigating")

        // 20 runs in the last 24 h lasting 1…20 s (two failed, one no-op), a skipped fire, and five old runs.
        let ids = RunIDGenerator(random: SeededRandomNumberGenerator(seed: 5))
        var inserted: [RunRecord] = []
        func insert(_ index: Int, hoursAgo: Double, status: RunStatus, seconds: Int) async throws {
            let queued = now.addingTimeInterval(-hoursAgo * 3600)
            var record = RunRecord(
                id: ids.next(at: queued),
                request: AgentRunRequest(agent: "reporter", parameters: ["run": .integer(Int64(index))]),
                status: status, queuedAt: queued)
            if status != .skipped { record.startedAt = record.queuedAt }
            record.endedAt = record.queuedAt.addingTimeInterval(Double(seconds))
            if status == .failed { record.errorClass = .transient }
            try await harness.store.insertRun(record)
            inserted.append(record)
        }
        for index in 0..<5 { try await insert(index, hoursAgo: 30 - Double(index), status: .succeeded, seconds: 99) }
        let statuses: [Int: RunStatus] = [4: .failed, 15: .failed, 9: .noOp]
        for index in 0..<20 {
            try await insert(
                100 + index, hoursAgo: 20 - Double(index), status: statuses[index] ?? .succeeded, seconds: index + 1)
        }
        try await insert(200, hoursAgo: 0.25, status: .skipped, seconds: 0)

        let health = try await harness.scheduler.health()
        #expect(health.state == .idle)
        #expect(health.queueDepth == 0)
        #expect(health.runningCount == 0)
        let agent = try #require(health.agents.first)
        #expect(agent.isPaused)
        #expect(agent.pausedReason == "investigating")
        #expect(agent.nextFireAt == nil)
        #expect(agent.runsInWindow == 20)
        #expect(agent.successesInWindow == 18)
        #expect(agent.successRate == 0.9)
        // Durations 1…20 s, nearest rank.
        #expect(agent.p50Duration == .seconds(10))
        #expect(agent.p95Duration == .seconds(19))
        #expect(agent.lastStatus == .skipped)
        let lastFailure = inserted.last { $0.status == .failed }?.endedAt
        #expect(agent.lastFailureAt == lastFailure)
        #expect(agent.lastSuccessAt == inserted.last { $0.status.isSuccess }?.endedAt)
        #expect(agent.consecutiveFailures == 0)
    }

    @Test func percentilesUseTheNearestRank() {
        let values = (1...100).map { Duration.milliseconds($0) }
        #expect(AgentHealth.percentile(values, 0.5) == .milliseconds(50))
        #expect(AgentHealth.percentile(values, 0.95) == .milliseconds(95))
        #expect(AgentHealth.percentile([.seconds(7)], 0.95) == .seconds(7))
        #expect(AgentHealth.percentile([], 0.5) == nil)
    }
}
