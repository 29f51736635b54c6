import AgentCore
import Foundation
import Synchronization
import Testing

@testable import AgentStorage

struct JSONFileFaultInjectionTests {
    @Test(arguments: [false, true])
    func aFailedWriteIsReportedAndLeavesNothingBehind(torn: Bool) async throws {
        let directory = TemporaryDirectory()
        let clock = ManualClock()
        let fileSystem = FaultyFileSystem()
        let store = try await JSONFileAgentStore.testStore(directory, clock: clock, fileSystem: fileSystem)
        let factory = RecordFactory(clock: clock)
        try await store.insertRun(try factory.record())
        let before = try directory.bytes("journal.jsonl")
        fileSystem.arm {
            $0.failWrites = 1
            $0.tearWrites = torn
        }
        let lost = try factory.record(agent: "beta")
        do {
            try await store.insertRun(lost)
            Issue.record("a write on a full disk succeeded")
        } catch let error as StoreError {
            #expect(error.code == .io)
            #expect(error.message.contains("No space left on device"))
            #expect(error.message.contains("nothing of this change was stored"))
        }
        #expect(try directory.bytes("journal.jsonl") == before)
        #expect(try await store.run(id: lost.id) == nil)
        #expect(try await store.queryRuns(RunQuery(agent: "beta")).records.isEmpty)
        let kept = try factory.record(agent: "beta")
        try await store.insertRun(kept)
        let reopened = try await JSONFileAgentStore.testStore(directory, clock: clock)
        #expect(reopened.recoveryReport.isClean)
        #expect(try await reopened.queryRuns(RunQuery(agent: "beta")).records == [kept])
    }

    @Test func aFailedFlushIsRolledBackInMemoryAndOnDisk() async throws {
        let directory = TemporaryDirectory()
        let clock = ManualClock()
        let fileSystem = FaultyFileSystem()
        let store = try await JSONFileAgentStore.testStore(directory, clock: clock, fileSystem: fileSystem)
        let factory = RecordFactory(clock: clock)
        var record = try factory.record(key: "k")
        guard case .claimed = try await store.claimRun(RunClaim(record: record, owner: "a", leaseDuration: .seconds(9)))
        else {
            Issue.record("the claim was not granted")
            return
        }
        let lease = try #require(try await store.acquireLease(named: "l", owner: "a", duration: .seconds(5)))
        let before = try directory.bytes("journal.jsonl")
        fileSystem.arm { $0.failSyncs = 1 }
        record.status = .succeeded
        record.endedAt = clock.now
        let update = record
        await #expect(throws: StoreError.self) { try await store.updateRun(update) }
        fileSystem.arm { $0.failSyncs = 1 }
        await #expect(throws: StoreError.self) { try await store.releaseLease(lease) }
        #expect(try directory.bytes("journal.jsonl") == before)
        #expect(try await store.run(id: record.id)?.status == .queued)
        #expect(try await store.lease(named: "l") == lease)
        let duplicate = try factory.record(key: "k")
        #expect(
            try await store.claimRun(RunClaim(record: duplicate, owner: "b", leaseDuration: .seconds(9))).record.id
                == record.id)
    }

    @Test func whenTheRollbackAlsoFailsTheStoreRefusesFurtherWrites() async throws {
        let directory = TemporaryDirectory()
        let clock = ManualClock()
        let fileSystem = FaultyFileSystem()
        let store = try await JSONFileAgentStore.testStore(directory, clock: clock, fileSystem: fileSystem)
        let factory = RecordFactory(clock: clock)
        let first = try factory.record()
        try await store.insertRun(first)
        fileSystem.arm {
            $0.failSyncs = 1
            $0.failTruncates = 1
        }
        await #expect(throws: StoreError.self) { try await store.insertRun(try factory.record()) }
        do {
            try await store.insertRun(try factory.record())
            Issue.record("a store with an unknown journal tail accepted a write")
        } catch let error as StoreError {
            #expect(error.message.contains("Reopen the store"))
        }
        #expect(try await store.run(id: first.id) == first)
    }

    @Test func concurrentWritersShareFlushesAndNoWriteReturnsBeforeItsFlush() async throws {
        let directory = TemporaryDirectory()
        let clock = ManualClock()
        let fileSystem = FaultyFileSystem()
        let store = try await JSONFileAgentStore.testStore(directory, clock: clock, fileSystem: fileSystem)
        let factory = RecordFactory(clock: clock)
        let records = try (0..<100).map { _ in try factory.record(status: .succeeded) }
        let syncsBefore = fileSystem.dataSyncs
        fileSystem.arm { $0.holdNextDataSync = true }
        let returned = Counter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, record) in records.enumerated() {
                group.addTask {
                    try await store.insertRun(record)
                    returned.increment()
                }
                if index == 0 {
                    // The first write is held in its flush; every other write queues behind it.
                    #expect(await eventually { fileSystem.faults.withLock { $0.heldDataSyncs } == 1 })
                }
            }
            let queued = await eventually {
                store.engine.control.withLock { $0.pending.count } == records.count - 1
            }
            #expect(queued)
            #expect(returned.value == 0, "a write returned before its bytes were flushed")
            fileSystem.gate.signal()
            try await group.waitForAll()
        }
        #expect(returned.value == records.count)
        #expect(
            fileSystem.dataSyncs - syncsBefore == 2, "100 writes took \(fileSystem.dataSyncs - syncsBefore) flushes")
        let reopened = try await JSONFileAgentStore.testStore(directory, clock: clock)
        #expect(reopened.runCount == records.count)
    }
}

/// A thread-safe counter.
final class Counter: Sendable {
    private let count = Mutex(0)
    func increment() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
