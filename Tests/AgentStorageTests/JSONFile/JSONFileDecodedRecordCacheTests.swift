import AgentCore
import Foundation
import Synchronization
import Testing

@testable import AgentStorage

/// The store's cache of decoded records (``StoreEngine/decoded``) must never answer with an old version of a run:
/// after an update, after compaction (which reuses segment numbers and may put other bytes at the same offsets),
/// and after another process changed or compacted the files.
struct JSONFileDecodedRecordCacheTests {
    /// A finished run with a summary, so that an update of the same length can replace it.
    private static func finished(_ factory: RecordFactory, summary: String) throws -> RunRecord {
        var record = try factory.record(status: .succeeded)
        record.summary = summary
        return record
    }

    /// A fresh store holding one finished run summarised "first"; its directory lives as long as the caller keeps it.
    private static func storeWithAFinishedRun() async throws -> (TemporaryDirectory, JSONFileAgentStore, RecordFactory)
    {
        let directory = TemporaryDirectory()
        let clock = ManualClock()
        let factory = RecordFactory(clock: clock)
        let store = try await JSONFileAgentStore.testStore(directory, clock: clock)
        try await store.insertRun(try Self.finished(factory, summary: "first"))
        return (directory, store, factory)
    }

    /// Where a run's record lies now.
    private func location(of id: RunID, in store: JSONFileAgentStore) throws -> RecordLocation {
        try #require(
            store.engine.state.withLock { state in state.runs.find(id).map { state.runs.slots[Int($0)].location } })
    }

    @Test func anUpdatedRunIsReadAfreshByIdAndInPages() async throws {
        let (directory, store, factory) = try await Self.storeWithAFinishedRun()
        defer { withExtendedLifetime(directory) {} }
        var record = try #require(try await store.queryRuns(RunQuery(limit: 1)).records.first)
        try await store.insertRun(try Self.finished(factory, summary: "other"))
        #expect(try await store.run(id: record.id) == record)
        #expect(try await store.queryRuns(RunQuery(limit: 10)).records.contains(record))
        #expect(store.engine.decoded.count == 2, "finished runs are read from the files, through the cache")

        record.summary = "secnd"
        try await store.updateRun(record)
        #expect(try await store.run(id: record.id) == record)
        #expect(try await store.queryRuns(RunQuery(limit: 10)).records.contains(record))
        let notified = try #require(try await store.markRunNotified(id: record.id))
        #expect(notified.notifiedAt != nil)
        #expect(try await store.run(id: record.id) == notified)
        #expect(try await store.queryRuns(RunQuery(limit: 10)).records.first { $0.id == record.id } == notified)
    }

    @Test func compactionsThatPutOtherBytesAtTheSameSegmentAndOffsetAreNotConfused() async throws {
        let (directory, store, _) = try await Self.storeWithAFinishedRun()
        defer { withExtendedLifetime(directory) {} }
        var record = try #require(try await store.queryRuns(RunQuery(limit: 1)).records.first)
        try #require(try await store.compact() != nil)
        let compacted = try location(of: record.id, in: store)
        #expect(try await store.run(id: record.id) == record)
        #expect(try await store.queryRuns(RunQuery(limit: 10)).records == [record])

        // The same length, so that the next snapshots put the new version where the old one was.
        record.summary = "secnd"
        try await store.updateRun(record)
        try #require(try await store.compact() != nil)
        // A presence that comes and goes leaves the next snapshot as it is, but makes its header's journal offset
        // as many digits long as the first snapshot's.
        _ = try await store.heartbeat(
            RunnerPresence(id: "passing", host: "here", processID: 1), timeToLive: .seconds(60))
        try await store.removePresence(id: "passing")
        try #require(try await store.compact() != nil)
        // Segment numbers are reused: the third snapshot takes the first one's number, and the record the same
        // offset and length. A cache keyed by segment number would answer with the first version here.
        let again = try location(of: record.id, in: store)
        #expect(again == compacted, "\(again) after the third compaction, \(compacted) after the first")
        #expect(try await store.run(id: record.id) == record)
        #expect(try await store.queryRuns(RunQuery(limit: 10)).records == [record])
    }

    @Test func anotherProcesssUpdateAndCompactionAreSeen() async throws {
        let directory = TemporaryDirectory()
        let clock = ManualClock()
        let factory = RecordFactory(clock: clock)
        let one = try await JSONFileAgentStore.testStore(directory, clock: clock)
        let two = try await JSONFileAgentStore.testStore(directory, clock: clock)
        var record = try Self.finished(factory, summary: "first")
        try await one.insertRun(record)
        #expect(try await one.run(id: record.id) == record)
        #expect(one.engine.decoded.count == 1)

        record.summary = "secnd"
        try await two.updateRun(record)
        #expect(try await one.run(id: record.id) == record)

        record.summary = "third"
        try await two.updateRun(record)
        try #require(try await two.compact() != nil)
        #expect(try await one.run(id: record.id) == record, "one reloads the files two compacted")
        #expect(try await one.queryRuns(RunQuery(limit: 10)).records == [record])
    }

    @Test func theCacheHoldsAtMostItsCapacityAndReadsStayRight() async throws {
        let directory = TemporaryDirectory()
        let clock = ManualClock()
        let factory = RecordFactory(clock: clock)
        let store = try await JSONFileAgentStore.testStore(
            directory, clock: clock, options: .init(automaticCompaction: false, decodedRecordCacheCapacity: 4))
        var records: [RunRecord] = []
        for index in 0..<20 {
            let record = try Self.finished(factory, summary: "run \(index)")
            try await store.insertRun(record)
            records.append(record)
            await clock.advance(by: .seconds(1))
        }
        for _ in 0..<2 {
            #expect(try await store.queryRuns(RunQuery(limit: 20)).records == records.reversed())
            for record in records { #expect(try await store.run(id: record.id) == record) }
            #expect(store.engine.decoded.count == 4)
        }
        let off = try await JSONFileAgentStore.testStore(
            directory, clock: clock, options: .init(automaticCompaction: false, decodedRecordCacheCapacity: 0))
        #expect(try await off.queryRuns(RunQuery(limit: 20)).records == records.reversed())
        #expect(off.engine.decoded.count == 0)
    }
}
