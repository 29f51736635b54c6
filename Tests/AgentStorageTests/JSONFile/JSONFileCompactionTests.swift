import AgentCore
import Foundation
import Synchronization
import Testing

@testable import AgentStorage

struct JSONFileCompactionTests {
    /// Fills a store with finished runs, active runs, updates, leases and schedule states.
    private func populate(_ store: JSONFileAgentStore, _ factory: RecordFactory, clock: ManualClock) async throws {
        for index in 0..<120 {
            try await store.insertRun(
                try factory.record(agent: ["alpha", "beta"][index % 2], status: index % 5 == 0 ? .failed : .succeeded))
            if index % 10 == 0 { await clock.advance(by: .seconds(60)) }
        }
        for index in 0..<3 {
            _ = try await store.claimRun(
                RunClaim(record: try factory.record(key: "active-\(index)"), owner: "w", leaseDuration: .seconds(600)))
        }
        let lease = try #require(try await store.acquireLease(named: "old", owner: "a", duration: .seconds(5)))
        try await store.releaseLease(lease)
        _ = try await store.acquireLease(named: "scheduler", owner: "a", duration: .seconds(600))
        try await store.saveScheduleState(
            ScheduleState(agentName: "alpha", nextFireAt: clock.now, consecutiveFailures: 2))
    }

    private struct Contents: Equatable {
        var runs: [RunRecord]
        var leases: [Lease?]
        var schedules: [ScheduleState]
    }

    private func contents(_ store: JSONFileAgentStore) async throws -> Contents {
        Contents(
            runs: try await store.queryRuns(RunQuery(limit: 10_000)).records,
            leases: [try await store.lease(named: "scheduler"), try await store.lease(named: "old")],
            schedules: try await store.allScheduleStates())
    }

    @Test func compactionKeepsEverythingAndTheStoreReopensFromTheSnapshot() async throws {
        let directory = TemporaryDirectory()
        let clock = ManualClock()
        let factory = RecordFactory(clock: clock)
        let store = try await JSONFileAgentStore.testStore(directory, clock: clock)
        try await populate(store, factory, clock: clock)
        let before = try await contents(store)
        let summary = try #require(try await store.compact())
        #expect(summary.runs == 123)
        #expect(summary.removedByRetention == 0)
        #expect(try await contents(store) == before)
        let journalLines = try directory.text("journal.jsonl").split(separator: "\n")
        #expect(journalLines.count == 1, "the new journal holds only its header")
        let header =
            try JSONSerialization.jsonObject(
                with: Data(try directory.text("snapshot.jsonl").prefix { $0 != "\n" }.utf8)) as? [String: Any]
        #expect(header?["runs"] as? Int == 123)
        #expect(header?["generation"] as? Int == 1)

        // Writes after compaction land in the new journal; the next open reads snapshot plus journal.
        let later = try factory.record(agent: "gamma")
        try await store.insertRun(later)
        let reopened = try await JSONFileAgentStore.testStore(directory, clock: clock)
        #expect(reopened.recoveryReport.isClean)
        var expected = before
        expected.runs.insert(later, at: 0)
        #expect(try await contents(reopened) == expected)
        // A second compaction builds on the first.
        #expect(try await reopened.compact()?.runs == 124)
        #expect(try await contents(reopened) == expected)
        let fencing = try await reopened.acquireLease(named: "old", owner: "b", duration: .seconds(5))
        #expect(fencing?.fencingToken == 2, "a released lease's fencing counter survives compaction")
    }

    @Test func writesDuringCompactionAreKept() async throws {
        let directory = TemporaryDirectory()
        let clock = ManualClock()
        let factory = RecordFactory(clock: clock)
        let fileSystem = FaultyFileSystem()
        let store = try await JSONFileAgentStore.testStore(directory, clock: clock, fileSystem: fileSystem)
        try await populate(store, factory, clock: clock)
        fileSystem.arm { $0.holdOpensContaining = "snapshot.jsonl.tmp-" }
        async let compaction = store.compact()
        #expect(await eventually { fileSystem.faults.withLock { $0.heldOpens } == 1 })
        // The snapshot is being written; readers and writers carry on.
        var during: [RunRecord] = []
        for _ in 0..<25 {
            let record = try factory.record(agent: "delta", status: .succeeded)
            try await store.insertRun(record)
            during.append(record)
        }
        #expect(try await store.queryRuns(RunQuery(agent: "delta")).records.count == 25)
        fileSystem.gate.signal()
        let summary = try #require(try await compaction)
        #expect(summary.runs == 123)
        #expect(summary.journalBytesAfter > 200)
        #expect(try await store.queryRuns(RunQuery(agent: "delta", limit: 100)).records == during.reversed())
        let reopened = try await JSONFileAgentStore.testStore(directory, clock: clock)
        #expect(try await contents(reopened) == (try await contents(store)))
        #expect(reopened.runCount == 148)
    }

    @Test func aCrashBetweenReplacingTheSnapshotAndTheJournalLosesNothing() async throws {
        let directory = TemporaryDirectory()
        let clock = ManualClock()
        let factory = RecordFactory(clock: clock)
        let fileSystem = FaultyFileSystem()
        let store = try await JSONFileAgentStore.testStore(directory, clock: clock, fileSystem: fileSystem)
        try await populate(store, factory, clock: clock)
        fileSystem.arm {
            $0.holdOpensContaining = "snapshot.jsonl.tmp-"
            $0.failRenameTo = "/journal.jsonl"
        }
        async let compaction = store.compact()
        #expect(await eventually { fileSystem.faults.withLock { $0.heldOpens } == 1 })
        let during = try factory.record(agent: "delta", status: .succeeded)
        try await store.insertRun(during)
        fileSystem.gate.signal()
        let outcome: Result<JSONFileAgentStore.CompactionSummary?, any Error>
        do { outcome = .success(try await compaction) } catch { outcome = .failure(error) }
        #expect((try? outcome.get()) == nil, "the compaction succeeded although the journal rename failed")
        // The new snapshot is in place, the old journal is still the journal: exactly the state a crash
        // between the two renames leaves.
        let snapshotHeader =
            try JSONSerialization.jsonObject(
                with: Data(try directory.text("snapshot.jsonl").prefix { $0 != "\n" }.utf8)) as? [String: Any]
        let journalHeader =
            try JSONSerialization.jsonObject(
                with: Data(try directory.text("journal.jsonl").prefix { $0 != "\n" }.utf8)) as? [String: Any]
        #expect(snapshotHeader?["generation"] as? Int == 1)
        #expect(snapshotHeader?["journalGeneration"] as? Int == journalHeader?["generation"] as? Int)

        let after = try factory.record(agent: "delta", status: .succeeded)
        try await store.insertRun(after)
        let reopened = try await JSONFileAgentStore.testStore(directory, clock: clock)
        #expect(reopened.recoveryReport.isClean)
        #expect(try await contents(reopened) == (try await contents(store)))
        #expect(try await reopened.run(id: during.id) == during)
        #expect(try await reopened.run(id: after.id) == after)
        #expect(try await reopened.compact() != nil)
        #expect(try await contents(reopened) == (try await contents(store)))
    }

    @Test func retentionKeepsTheNewestRunsPerAgentAndNeverActiveOnes() async throws {
        let directory = TemporaryDirectory()
        let clock = ManualClock()
        let factory = RecordFactory(clock: clock)
        let options = JSONFileAgentStore.Options(retention: .runsPerAgent(3), automaticCompaction: false)
        let store = try await JSONFileAgentStore.testStore(directory, clock: clock, options: options)
        let active = try factory.record(agent: "alpha", key: "still-running")
        _ = try await store.claimRun(RunClaim(record: active, owner: "w", leaseDuration: .seconds(60)))
        var alpha: [RunRecord] = []
        for index in 0..<10 {
            let record = try factory.record(agent: index < 6 ? "alpha" : "beta", status: .succeeded)
            try await store.insertRun(record)
            if index < 6 { alpha.append(record) }
        }
        let summary = try #require(try await store.compact())
        #expect(summary.removedByRetention == 3 + 1)
        #expect(
            try await store.queryRuns(RunQuery(agent: "alpha")).records.map(\.id)
                == ([active.id] + alpha.suffix(3).map(\.id)).sorted(by: >))
        #expect(try await store.queryRuns(RunQuery(agent: "beta")).records.count == 3)
        let reopened = try await JSONFileAgentStore.testStore(directory, clock: clock)
        #expect(reopened.runCount == 7)
        #expect(try await reopened.run(id: active.id)?.status == .queued)
    }

    @Test func retentionByAgeRemovesFinishedRunsOlderThanTheWindow() async throws {
        let directory = TemporaryDirectory()
        let clock = ManualClock()
        let factory = RecordFactory(clock: clock)
        let store = try await JSONFileAgentStore.testStore(
            directory, clock: clock, options: .init(retention: .days(2), automaticCompaction: false))
        let old = try factory.record(status: .succeeded)
        try await store.insertRun(old)
        await clock.advance(by: .seconds(3 * 86_400))
        let recent = try factory.record(status: .succeeded)
        try await store.insertRun(recent)
        #expect(try await store.compact()?.removedByRetention == 1)
        #expect(try await store.queryRuns(RunQuery()).records == [recent])
        // Another process sees the removal through the journal.
        let other = try await JSONFileAgentStore.testStore(directory, clock: clock)
        #expect(try await other.run(id: old.id) == nil)
    }

    @Test func anotherInstanceFollowsACompactionAndKeepsWriting() async throws {
        let directory = TemporaryDirectory()
        let clock = ManualClock()
        let factory = RecordFactory(clock: clock)
        let one = try await JSONFileAgentStore.testStore(directory, clock: clock)
        let two = try await JSONFileAgentStore.testStore(directory, clock: clock)
        try await populate(one, factory, clock: clock)
        #expect(two.runCount == 0)
        try await one.compact()
        let record = try factory.record(agent: "from-two", status: .succeeded)
        try await two.insertRun(record)
        #expect(two.runCount == 124)
        #expect(try await one.run(id: record.id) == record)
        #expect(try await contents(one) == (try await contents(two)))
        try await two.compact()
        try await one.insertRun(try factory.record(agent: "from-one"))
        #expect(try await contents(one) == (try await contents(two)))
    }

    @Test func compactionStartsByItselfWhenTheJournalOutgrowsTheSnapshot() async throws {
        let directory = TemporaryDirectory()
        let clock = ManualClock()
        let factory = RecordFactory(clock: clock)
        let store = try await JSONFileAgentStore.testStore(
            directory, clock: clock, options: .init(compactionThreshold: 4096, automaticCompaction: true))
        var records: [RunRecord] = []
        for _ in 0..<60 {
            let record = try factory.record(status: .succeeded)
            try await store.insertRun(record)
            records.append(record)
        }
        let compacted = await eventually {
            FileManager.default.fileExists(atPath: directory.file("snapshot.jsonl").path)
                && !store.engine.control.withLock { $0.compacting }
        }
        #expect(compacted)
        #expect(try await store.queryRuns(RunQuery(limit: 100)).records == records.reversed())
        let reopened = try await JSONFileAgentStore.testStore(directory, clock: clock)
        #expect(try await reopened.queryRuns(RunQuery(limit: 100)).records == records.reversed())
    }
}
