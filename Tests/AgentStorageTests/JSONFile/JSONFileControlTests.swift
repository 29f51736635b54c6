import AgentCore
import Foundation
import Synchronization
import TestDeadlines
import Testing

@testable import AgentStorage

/// The cross-process control protocols in the JSON-file store: what survives reopening and compaction, torn
/// lines of the new entry kinds, and two instances on one directory (each with its own engine and `flock`, as two
/// processes) contending and following each other's change feed.
struct JSONFileControlTests {
    private static let runner = RunnerPresence(id: "runner-1", host: "host-a", processID: 42, agents: ["alpha"])

    /// Writes one of everything: schedule states (two versions of alpha, one of beta), a completed, a taken and a
    /// pending request, two presences (one removed later) and an ended run.
    private func seed(_ store: JSONFileAgentStore, clock: ManualClock) async throws {
        try await store.saveScheduleState(ScheduleState(agentName: "alpha"))
        _ = try await store.updateScheduleState(for: "alpha") { $0.isPaused = true }
        _ = try await store.updateScheduleState(for: "beta") { $0.consecutiveFailures = 2 }
        let run = AgentRunRequest(agent: "alpha", parameters: ["n": 1], correlationID: "control")
        for id in ["request-1", "request-2", "request-3"] {
            _ = try await store.submitRequest(ControlRequest(id: id, action: .run(request: run), requestedBy: "test"))
        }
        _ = try await store.takeRequest(id: "request-1", owner: "runner-1")
        _ = try await store.completeRequest(
            id: "request-1", owner: "runner-1", runID: nil, runStatus: .succeeded, outcome: "done")
        _ = try await store.takeRequest(id: "request-2", owner: "runner-1")
        _ = try await store.heartbeat(Self.runner, timeToLive: .seconds(30))
        _ = try await store.heartbeat(
            RunnerPresence(id: "runner-2", host: "host-b", processID: 7), timeToLive: .seconds(30))
        try await store.removePresence(id: "runner-2")
        try await store.insertRun(try RecordFactory(clock: clock).record(status: .failed))
    }

    /// Everything a control reader sees, to compare two instances or an instance before and after reopening.
    private struct Seen: Equatable {
        var schedules: [ScheduleState]
        var requests: [ControlRequest]
        var presences: [RunnerPresence]
        var cursor: ChangeCursor
    }

    private func seen(_ store: JSONFileAgentStore) async throws -> Seen {
        Seen(
            schedules: try await store.allScheduleStates(),
            requests: try await store.requests(in: Set(ControlRequest.State.allCases), limit: 100),
            presences: try await store.livePresences(), cursor: try await store.latestChangeCursor())
    }

    @Test func requestsPresencesVersionsAndTheFeedSurviveReopeningAndCompaction() async throws {
        let directory = TemporaryDirectory("control")
        let clock = ManualClock()
        let store = try await JSONFileAgentStore.testStore(directory, clock: clock)
        try await seed(store, clock: clock)
        let before = try await seen(store)
        // 3 schedule writes, 3 submissions, 2 takes, 1 completion, 1 ended run.
        #expect(before.cursor.sequence == 10)
        #expect(before.schedules.map(\.version) == [2, 1])
        #expect(before.requests.map(\.state) == [.completed, .taken, .pending])
        #expect(before.presences.map(\.id) == ["runner-1"])
        let feed = try await store.changes(after: .start, limit: 100)

        let reopened = try await JSONFileAgentStore.testStore(directory, clock: clock)
        #expect(reopened.recoveryReport.isClean)
        #expect(try await seen(reopened) == before)
        #expect(try await reopened.changes(after: .start, limit: 100) == feed)

        let summary = try #require(try await reopened.compact())
        #expect(summary.runs == 1)
        #expect(try await seen(reopened) == before)
        let compacted = try await JSONFileAgentStore.testStore(directory, clock: clock)
        #expect(compacted.recoveryReport.isClean)
        #expect(try await seen(compacted) == before)
        // The snapshot keeps the numbering, not the changes: older cursors report missed changes.
        let missed = try await compacted.changes(after: .start, limit: 100)
        #expect(missed.missedChanges && missed.changes.isEmpty && missed.cursor == before.cursor)
        // Numbering continues after the snapshot, in every instance.
        let resumed = try await compacted.updateScheduleState(for: "alpha") { $0.isPaused = false }
        #expect(resumed.version == 3)
        #expect(try await compacted.latestChangeCursor().sequence == 11)
        let next = try await reopened.changes(after: before.cursor, limit: 10)
        #expect(!next.missedChanges)
        #expect(next.changes.map(\.sequence) == [11])
        #expect(next.changes.first?.kind == .scheduleState(resumed))
    }

    @Test func compactionForgetsPresencesExpiredForADayAndCompletedRequestsBeyondCapacity() async throws {
        let directory = TemporaryDirectory("control-prune")
        let clock = ManualClock()
        let store = try await JSONFileAgentStore.testStore(directory, clock: clock)
        _ = try await store.heartbeat(Self.runner, timeToLive: .seconds(10))
        let capacity = RequestTable().completedCapacity
        let run = AgentRunRequest(agent: "alpha", parameters: [:], correlationID: "prune")
        for index in 0..<(capacity + 5) {
            let id = String(format: "request-%05d", index)
            _ = try await store.submitRequest(ControlRequest(id: id, action: .run(request: run), requestedBy: "test"))
            _ = try await store.completeRequest(id: id, owner: "runner-x", runID: nil, runStatus: nil, outcome: "ok")
        }
        await clock.advance(by: .seconds(86_400 + 60))
        _ = try await store.heartbeat(
            RunnerPresence(id: "runner-2", host: "host-b", processID: 7), timeToLive: .seconds(10))
        try await store.compact()
        let snapshot = try directory.text("snapshot.jsonl")
        #expect(!snapshot.contains("\"runner-1\""))
        #expect(snapshot.contains("\"runner-2\""))
        #expect(!snapshot.contains("request-00004"))
        #expect(snapshot.contains("request-00005"))
        let reopened = try await JSONFileAgentStore.testStore(directory, clock: clock)
        let kept = try await reopened.requests(in: [.completed], limit: capacity + 10)
        #expect(kept.count == capacity)
        #expect(kept.first?.id == "request-00005")
        #expect(try await reopened.livePresences().map(\.id) == ["runner-2"])
    }

    /// The first part of a line of each new kind, as a crash in the middle of the write leaves it.
    static let tornLines = [
        #"{"op":"request","request":{"id":"request-9","requestedBy":"te"#,
        #"{"op":"presence","presence":{"id":"runner-9","host":"h"#,
        #"{"op":"presenceRemoved","id":"runner-"#,
        #"{"op":"schedule","schedule":{"agent":"alpha","isPaused":true,"consecutiveFailures":0,"version":"#,
    ]

    @Test(arguments: tornLines)
    func aTornLastLineOfANewKindIsCutAndNothingValidIsLost(_ torn: String) async throws {
        let directory = TemporaryDirectory("control-torn")
        let clock = ManualClock()
        let store = try await JSONFileAgentStore.testStore(directory, clock: clock)
        try await seed(store, clock: clock)
        let before = try await seen(store)
        let intact = try directory.bytes("journal.jsonl")
        try directory.append("journal.jsonl", Array(torn.utf8))

        let reopened = try await JSONFileAgentStore.testStore(directory, clock: clock)
        #expect(reopened.recoveryReport.tornTails.count == 1)
        #expect(reopened.recoveryReport.corruptLines.isEmpty)
        #expect(try directory.bytes("journal.jsonl") == intact)
        #expect(try await seen(reopened) == before)
        // The instance that was open cuts the torn tail left by "another process" too, and keeps numbering.
        try directory.append("journal.jsonl", Array(torn.utf8))
        _ = try await store.updateScheduleState(for: "gamma") { $0.isPaused = true }
        #expect(store.recoveryReport.tornTails.count == 1)
        #expect(try await store.latestChangeCursor().sequence == before.cursor.sequence + 1)
    }

    @Test func aCorruptRequestLineInTheMiddleIsSkippedAndTheRestKept() async throws {
        let directory = TemporaryDirectory("control-corrupt")
        let clock = ManualClock()
        let store = try await JSONFileAgentStore.testStore(directory, clock: clock)
        _ = try await store.heartbeat(Self.runner, timeToLive: .seconds(30))
        try directory.append(
            "journal.jsonl", Array(#"{"op":"request","request":{"id":"broken","state":"sideways"}}"#.utf8) + [0x0A])
        let reopened = try await JSONFileAgentStore.testStore(directory, clock: clock)
        _ = try await reopened.updateScheduleState(for: "alpha") { $0.isPaused = true }
        let again = try await JSONFileAgentStore.testStore(directory, clock: clock)
        #expect(again.recoveryReport.corruptLines.count == 1)
        #expect(try await again.request(id: "broken") == nil)
        #expect(try await again.livePresences().map(\.id) == ["runner-1"])
        #expect(try await again.scheduleState(for: "alpha")?.isPaused == true)
    }

    @Test func aStoreWrittenBeforeVersionsAndTheFeedOpensAndCountsVersions() async throws {
        let directory = TemporaryDirectory("control-old")
        try directory.write(
            "journal.jsonl",
            #"""
            {"format":"agentctl-journal","version":1,"generation":0,"createdAt":"2026-01-01T00:00:00.000Z"}
            {"op":"schedule","schedule":{"agent":"alpha","isPaused":false,"consecutiveFailures":0}}
            {"op":"schedule","schedule":{"agent":"alpha","isPaused":true,"consecutiveFailures":1}}

            """#)
        let clock = ManualClock()
        let store = try await JSONFileAgentStore.testStore(directory, clock: clock)
        #expect(store.recoveryReport.isClean)
        #expect(try await store.scheduleState(for: "alpha")?.version == 2)
        #expect(try await store.latestChangeCursor().sequence == 2)
        #expect(try await store.requests(in: [.pending], limit: 10).isEmpty)
        let updated = try await store.updateScheduleState(for: "alpha") { $0.consecutiveFailures += 1 }
        #expect(updated.version == 3 && updated.consecutiveFailures == 2)
    }

    // MARK: Two instances on one directory

    @Test func concurrentUpdatesFromTwoInstancesLoseNothing() async throws {
        let directory = TemporaryDirectory("control-update")
        let clock = ManualClock()
        let first = try await JSONFileAgentStore.testStore(directory, clock: clock)
        let second = try await JSONFileAgentStore.testStore(directory, clock: clock)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<400 {
                let store = index.isMultiple(of: 2) ? first : second
                group.addTask { _ = try await store.updateScheduleState(for: "alpha") { $0.consecutiveFailures += 1 } }
            }
            try await group.waitForAll()
        }
        for store in [first, second] {
            let state = try await store.scheduleState(for: "alpha")
            #expect(state?.consecutiveFailures == 400)
            #expect(state?.version == 400)
        }
        let reopened = try await JSONFileAgentStore.testStore(directory, clock: clock)
        #expect(try await reopened.scheduleState(for: "alpha")?.consecutiveFailures == 400)
    }

    @Test func exactlyOneInstanceTakesARequestOrAnnouncesARun() async throws {
        let directory = TemporaryDirectory("control-winner")
        let clock = ManualClock()
        let first = try await JSONFileAgentStore.testStore(directory, clock: clock)
        let second = try await JSONFileAgentStore.testStore(directory, clock: clock)
        let factory = RecordFactory(clock: clock)
        for round in 0..<10 {
            let id = "request-\(round)"
            _ = try await first.submitRequest(
                ControlRequest(id: id, action: .cancel(runID: try factory.record().id, reason: nil), requestedBy: "t"))
            let ended = try factory.record(status: .abandoned)
            try await second.insertRun(ended)
            let (taken, announced) = try await withThrowingTaskGroup(of: (Bool, Bool).self) { group in
                for index in 0..<20 {
                    let store = index.isMultiple(of: 2) ? first : second
                    group.addTask {
                        let took = try await store.takeRequest(id: id, owner: "runner-\(index)") != nil
                        let marked = try await store.markRunNotified(id: ended.id) != nil
                        return (took, marked)
                    }
                }
                var counts = (0, 0)
                for try await (took, marked) in group {
                    counts.0 += took ? 1 : 0
                    counts.1 += marked ? 1 : 0
                }
                return counts
            }
            #expect(taken == 1, "round \(round)")
            #expect(announced == 1, "round \(round)")
        }
    }

    @Test func bothInstancesNumberTheFeedAlike() async throws {
        let directory = TemporaryDirectory("control-feed")
        let clock = ManualClock()
        let first = try await JSONFileAgentStore.testStore(directory, clock: clock)
        let second = try await JSONFileAgentStore.testStore(directory, clock: clock)
        let factory = RecordFactory(clock: clock)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<60 {
                let store = index.isMultiple(of: 2) ? first : second
                let record = try factory.record(agent: index.isMultiple(of: 3) ? "alpha" : "beta", key: "k\(index)")
                group.addTask {
                    switch index % 4 {
                    case 0: _ = try await store.updateScheduleState(for: "alpha") { $0.consecutiveFailures += 1 }
                    case 1:
                        _ = try await store.submitRequest(
                            ControlRequest(
                                id: "r\(index)", action: .cancel(runID: record.id, reason: nil), requestedBy: "t"))
                    case 2:
                        guard
                            case .claimed(var claimed) = try await store.claimRun(
                                RunClaim(record: record, owner: "o", leaseDuration: .seconds(60)))
                        else { return }
                        claimed.status = .succeeded
                        claimed.endedAt = claimed.queuedAt
                        try await store.updateRun(claimed)
                    default: _ = try await store.heartbeat(Self.runner, timeToLive: .seconds(5))
                    }
                }
            }
            try await group.waitForAll()
        }
        let one = try await first.changes(after: .start, limit: 1_000)
        let other = try await second.changes(after: .start, limit: 1_000)
        #expect(one.changes.count == 15 + 15 + 15)
        #expect(one == other)
        #expect(one.changes.map(\.sequence) == Array(1...45))
        let reopened = try await JSONFileAgentStore.testStore(directory, clock: clock)
        #expect(try await reopened.changes(after: .start, limit: 1_000) == one)
        // After the other instance compacts, this one reloads its files and keeps the changes it knew.
        try await second.compact()
        _ = try await second.updateScheduleState(for: "gamma") { $0.isPaused = true }
        let after = try await first.changes(after: one.changes[40].cursor, limit: 100)
        #expect(!after.missedChanges)
        #expect(after.changes.map(\.sequence) == Array(42...46))
    }

    @Test func anotherInstancesWriteWakesAWaiterWithinASecond() async throws {
        let directory = TemporaryDirectory("control-wait")
        let clock = ManualClock()
        let waiter = try await JSONFileAgentStore.testStore(directory, clock: clock)
        let writer = try await JSONFileAgentStore.testStore(directory, clock: clock)
        var latencies: [Duration] = []
        for round in 0..<10 {
            let cursor = try await waiter.latestChangeCursor()
            let elapsed = try await within("a waiter woken by another handle's write", seconds: 5) {
                try await withThrowingTaskGroup(of: Duration?.self) { group in
                    group.addTask {
                        // Wait first, then let the writer write while the waiter is parked.
                        try await Task.sleep(for: .milliseconds(30 + round * 17))
                        let start = ContinuousClock.now
                        _ = try await writer.updateScheduleState(for: "alpha") { $0.consecutiveFailures += 1 }
                        return start.duration(to: .now)
                    }
                    group.addTask {
                        try await waiter.waitForChanges(after: cursor)
                        return nil
                    }
                    var written: ContinuousClock.Instant?
                    var woken: ContinuousClock.Instant?
                    while let result = try await group.next() {
                        if result == nil { woken = .now } else { written = .now }
                    }
                    return (woken ?? .now) - (written ?? .now)
                }
            }
            latencies.append(elapsed)
            let page = try await waiter.changes(after: cursor, limit: 10)
            #expect(page.changes.count == 1)
        }
        #expect(latencies.allSatisfy { $0 < .seconds(1) }, "latencies: \(latencies)")
        // Once nobody waits, the watch timer stops: an idle store does nothing.
        try await within("the watch timer to stop", seconds: 5) {
            while waiter.engine.control.withLock({ $0.watching }) { try await Task.sleep(for: .milliseconds(20)) }
        }
    }

    @Test func aWriteThroughTheSameInstanceWakesAWaiterAtOnceAndCancellationEndsAWait() async throws {
        let directory = TemporaryDirectory("control-wake")
        let clock = ManualClock()
        let store = try await JSONFileAgentStore.testStore(directory, clock: clock)
        let cursor = try await store.latestChangeCursor()
        let waiting = Task { try await store.waitForChanges(after: cursor) }
        try await Task.sleep(for: .milliseconds(20))
        _ = try await store.submitRequest(
            ControlRequest(
                id: "r1", action: .cancel(runID: try RecordFactory(clock: clock).record().id, reason: nil),
                requestedBy: "t"))
        try await within("the woken waiter", seconds: 5) { try await waiting.value }
        let idle = Task { try await store.waitForChanges(after: try await store.latestChangeCursor()) }
        try await Task.sleep(for: .milliseconds(20))
        idle.cancel()
        let cancelled = try await within("the cancelled waiter", seconds: 5) {
            do {
                try await idle.value
                return false
            } catch is CancellationError {
                return true
            }
        }
        #expect(cancelled)
    }
}
