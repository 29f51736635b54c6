import AgentCore
import Dispatch
import Foundation
import Synchronization
import TestDeadlines
import Testing

@testable import AgentStorage

struct JSONFileAgentStoreTests {
    @Test func everythingSurvivesReopening() async throws {
        let directory = TemporaryDirectory()
        let clock = ManualClock()
        let factory = RecordFactory(clock: clock)
        var expected: [RunRecord] = []
        let lease: Lease?
        do {
            let store = try await JSONFileAgentStore.testStore(directory, clock: clock)
            for index in 0..<20 {
                let record = try factory.record(agent: index % 2 == 0 ? "alpha" : "beta", status: .succeeded)
                try await store.insertRun(record)
                expected.append(record)
                await clock.advance(by: .seconds(1))
            }
            guard
                case .claimed(var claimed) = try await store.claimRun(
                    RunClaim(record: try factory.record(key: "k"), owner: "me", leaseDuration: .seconds(30)))
            else {
                Issue.record("the claim was not granted")
                return
            }
            claimed.status = .running
            claimed.startedAt = clock.now
            try await store.updateRun(claimed)
            expected.append(claimed)
            let first = try await store.acquireLease(named: "scheduler", owner: "a", duration: .seconds(10))
            try await store.releaseLease(try #require(first))
            lease = try await store.acquireLease(named: "scheduler", owner: "b", duration: .seconds(10))
            try await store.saveScheduleState(ScheduleState(agentName: "alpha", nextFireAt: clock.now, isPaused: true))
            try await store.saveScheduleState(ScheduleState(agentName: "beta"))
            try await store.removeScheduleState(for: "beta")
        }
        let reopened = try await JSONFileAgentStore.testStore(directory, clock: clock)
        #expect(reopened.recoveryReport.isClean)
        let page = try await reopened.queryRuns(RunQuery(limit: 100))
        #expect(page.records == expected.reversed())
        #expect(try await reopened.lease(named: "scheduler") == lease)
        #expect(lease?.fencingToken == 2)
        #expect(try await reopened.allScheduleStates().map(\.agentName) == ["alpha"])
        // The released token is remembered: the next holder gets a larger one.
        await clock.advance(by: .seconds(11))
        let next = try await reopened.acquireLease(named: "scheduler", owner: "c", duration: .seconds(10))
        #expect(next?.fencingToken == 3)
    }

    @Test func theFilesAreJSONLinesThatStartWithAVersionedHeader() async throws {
        let directory = TemporaryDirectory()
        let clock = ManualClock()
        let store = try await JSONFileAgentStore.testStore(directory, clock: clock)
        let factory = RecordFactory(clock: clock)
        try await store.insertRun(try factory.record(status: .succeeded))
        try await store.saveScheduleState(ScheduleState(agentName: "alpha"))
        try await store.compact()
        try await store.insertRun(try factory.record(agent: "beta"))
        for name in ["journal.jsonl", "snapshot.jsonl"] {
            let lines = try directory.text(name).split(separator: "\n")
            #expect(lines.count >= 2, "\(name) holds \(lines.count) lines")
            for line in lines {
                #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) is NSDictionary, "\(line)")
            }
            let header = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
            #expect(header?["version"] as? Int == 1)
            #expect((header?["format"] as? String)?.hasPrefix("agentctl-") == true)
        }
    }

    @Test func queriesFilterByAgentStatusTimeAndKeyNewestFirst() async throws {
        let directory = TemporaryDirectory()
        let clock = ManualClock()
        let factory = RecordFactory(clock: clock)
        let store = try await JSONFileAgentStore.testStore(directory, clock: clock)
        var inserted: [RunRecord] = []
        let statuses: [RunStatus] = [.succeeded, .failed, .noOp, .skipped, .timedOut]
        for index in 0..<300 {
            let record = try factory.record(
                agent: ["alpha", "beta", "gamma"][index % 3], key: "key-\(index % 7)", status: statuses[index % 5])
            inserted.append(record)
            if index % 4 == 0 { await clock.advance(by: .seconds(1)) }
        }
        try await store.insertRuns(inserted)
        let queries = [
            RunQuery(agent: "beta", limit: 17), RunQuery(statuses: [.failed, .skipped], limit: 9),
            RunQuery(agent: "gamma", statuses: [.noOp], limit: 4),
            RunQuery(idempotencyKey: try IdempotencyKey("key-3"), limit: 5),
            RunQuery(queuedSince: inserted[40].queuedAt, queuedBefore: inserted[200].queuedAt, limit: 33),
            RunQuery(agent: "alpha", statuses: [.succeeded, .timedOut], queuedSince: inserted[100].queuedAt, limit: 6),
            RunQuery(agent: "delta", limit: 5), RunQuery(statuses: [], limit: 5),
        ]
        for query in queries {
            var seen: [RunID] = []
            var cursor: RunCursor?
            repeat {
                var paged = query
                paged.cursor = cursor
                let page = try await store.queryRuns(paged)
                #expect(page.records.count <= query.limit)
                #expect(page.records.allSatisfy(query.matches))
                seen += page.records.map(\.id)
                cursor = page.nextCursor
            } while cursor != nil
            #expect(seen == inserted.filter(query.matches).map(\.id).sorted(by: >), "\(query)")
        }
    }

    @Test func csvExportQuotesByRFC4180AndPages() async throws {
        let directory = TemporaryDirectory()
        let clock = ManualClock()
        let factory = RecordFactory(clock: clock)
        let store = try await JSONFileAgentStore.testStore(directory, clock: clock)
        var tricky = try factory.record(status: .failed)
        tricky.errorMessage = "bad \"input\", line 1\r\nline 2"
        tricky.summary = "plain"
        try await store.insertRun(tricky)
        for _ in 0..<4 { try await store.insertRun(try factory.record(status: .succeeded)) }
        let first = try await store.exportCSV(RunQuery(limit: 3))
        #expect(first.rowCount == 3)
        #expect(first.text.hasPrefix(RunCSVFormat.columns.joined(separator: ",") + "\r\n"))
        #expect(first.text.components(separatedBy: "\r\n").count == 5)
        let second = try await store.exportCSV(RunQuery(limit: 3, cursor: first.nextCursor))
        #expect(second.rowCount == 2)
        #expect(second.nextCursor == nil)
        #expect(second.text.contains(",\"bad \"\"input\"\", line 1\r\nline 2\",plain,"))
        #expect(RunCSVFormat.quote("a,b") == "\"a,b\"")
        #expect(RunCSVFormat.quote("plain") == "plain")
        #expect(RunCSVFormat.quote("say \"hi\"") == "\"say \"\"hi\"\"\"")
        await #expect(throws: StoreError.self) { try await store.exportCSV(RunQuery(limit: 10_001)) }
    }

    @Test func aRecordThatJSONCannotHoldIsRefusedAndNothingIsWritten() async throws {
        let directory = TemporaryDirectory()
        let clock = ManualClock()
        let store = try await JSONFileAgentStore.testStore(directory, clock: clock)
        let before = try directory.bytes("journal.jsonl")
        let record = try RecordFactory(clock: clock).record(parameters: ["x": .double(.infinity)])
        await #expect {
            try await store.insertRun(record)
        } throws: { ($0 as? StoreError)?.code == .invalidRecord }
        #expect(try directory.bytes("journal.jsonl") == before)
        #expect(try await store.run(id: record.id) == nil)
    }

    @Test func twoInstancesSeeEachOthersWritesAndClaimOnce() async throws {
        let directory = TemporaryDirectory()
        let clock = ManualClock()
        let factory = RecordFactory(clock: clock)
        let one = try await JSONFileAgentStore.testStore(directory, clock: clock)
        let two = try await JSONFileAgentStore.testStore(directory, clock: clock)
        let record = try factory.record(status: .succeeded)
        try await one.insertRun(record)
        #expect(try await two.run(id: record.id) == record)
        let outcomes = try await withThrowingTaskGroup(of: RunClaimOutcome.self) { group in
            for index in 0..<40 {
                let store = index % 2 == 0 ? one : two
                let claim = RunClaim(
                    record: try factory.record(key: "once"), owner: "o\(index)", leaseDuration: .seconds(60))
                group.addTask { try await store.claimRun(claim) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let winners = outcomes.filter { if case .claimed = $0 { true } else { false } }
        #expect(winners.count == 1)
        #expect(try await one.queryRuns(RunQuery(idempotencyKey: try IdempotencyKey("once"))).records.count == 1)
        #expect(try await two.queryRuns(RunQuery(idempotencyKey: try IdempotencyKey("once"))).records.count == 1)
    }

    /// Waiting for another process's lock must suspend callers, not block threads of the cooperative pool
    /// (as many threads as cores): with more waiting opens and writes than cores, other async work still runs.
    @Test func callersWaitingForTheLockDoNotBlockTheCooperativePool() async throws {
        let directory = TemporaryDirectory()
        let clock = ManualClock()
        let factory = RecordFactory(clock: clock)
        let existing = try await JSONFileAgentStore.testStore(directory, clock: clock)
        let holder = try HeldLock(StorePaths(directory: directory.path).lock)
        // A watchdog on a thread of its own releases the lock after 60 s, so a regression fails instead of hanging.
        // Blocked threads would hold the new task until then; a free pool runs it at once (within 30 s even with
        // every core busy: 6 s was measured with two busy loops beside the suite).
        DispatchQueue(label: "lock-watchdog").asyncAfter(deadline: .now() + 60) { holder.release() }
        let finishedEarly = Counter()
        let waiting = ProcessInfo.processInfo.activeProcessorCount + 2
        let opens = (0..<waiting).map { _ in
            Task {
                let store = try await JSONFileAgentStore.testStore(directory, clock: clock)
                finishedEarly.increment()
                return store
            }
        }
        let records = try (0..<waiting).map { _ in try factory.record(status: .succeeded) }
        let writes = records.map { record in
            Task {
                try await existing.insertRun(record)
                finishedEarly.increment()
            }
        }
        let started = ContinuousClock.now
        try await within("a new task to get a thread") { await Task.detached { await Task.yield() }.value }
        let elapsed = ContinuousClock.now - started
        #expect(elapsed < .seconds(30), "a task waited \(elapsed) for a thread while callers waited for the lock")
        #expect(finishedEarly.value == 0, "a caller went ahead while another process held the lock")
        holder.release()
        for open in opens { _ = try await within("an open that waited for the lock") { try await open.value } }
        for write in writes { try await within("a write that waited for the lock") { try await write.value } }
        let reopened = try await JSONFileAgentStore.testStore(directory, clock: clock)
        #expect(reopened.runCount == waiting)
    }
}

/// The store's lock taken through a descriptor of its own, as another process would hold it.
private final class HeldLock: Sendable {
    private let descriptor: Mutex<Int32?>

    init(_ path: String) throws {
        let descriptor = open(path, O_RDWR | O_CLOEXEC)
        guard descriptor >= 0, flock(descriptor, LOCK_EX) == 0 else {
            throw StoreError(.io, "cannot lock \(path): errno \(errno)")
        }
        self.descriptor = Mutex(descriptor)
    }

    /// Releases the lock (once; later calls do nothing).
    func release() {
        descriptor.withLock { descriptor in
            guard let open = descriptor else { return }
            _ = flock(open, LOCK_UN)
            _ = close(open)
            descriptor = nil
        }
    }

    deinit { release() }
}
