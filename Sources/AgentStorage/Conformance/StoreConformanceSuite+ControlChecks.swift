import AgentCore
import Foundation

/// Checks of the cross-process control protocols: atomic schedule updates, the change feed, control requests,
/// presence and the once-only announcement of a run's end.
extension StoreConformanceSuite {
    static func scheduleStateAtomicUpdate(_ fixture: Fixture) async throws {
        let handles = [fixture.store, fixture.peer]
        // 2 × 60 increments from both handles at once: none may be lost.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<120 {
                let store = handles[index % 2]
                group.addTask {
                    _ = try await store.updateScheduleState(for: "alpha") { $0.consecutiveFailures += 1 }
                }
            }
            try await group.waitForAll()
        }
        let counted = try await fixture.store.scheduleState(for: "alpha")
        try expect(
            counted?.consecutiveFailures == 120,
            "120 concurrent increments left consecutiveFailures at \(counted?.consecutiveFailures ?? 0)")
        try expect(counted?.version == 120, "120 writes left version \(counted?.version ?? 0), expected 120")

        // A pause written through one handle survives a storm of next-fire updates through the other.
        let base = Timestamp.roundedToMilliseconds(fixture.clock.now)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for step in 0..<40 {
                group.addTask {
                    _ = try await fixture.peer.updateScheduleState(for: "alpha") {
                        $0.nextFireAt = base.addingTimeInterval(Double(step))
                    }
                }
                if step == 20 {
                    group.addTask {
                        _ = try await fixture.store.updateScheduleState(for: "alpha") {
                            $0.isPaused = true
                            $0.pausedReason = "paused by a person"
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let paused = try await fixture.peer.scheduleState(for: "alpha")
        try expect(paused?.isPaused == true, "a pause was lost among concurrent next-fire updates")
        try expect(paused?.pausedReason == "paused by a person", "the pause reason was lost")

        // A change that changes nothing writes nothing.
        let cursor = try await fixture.store.latestChangeCursor()
        let unchanged = try await fixture.store.updateScheduleState(for: "alpha") { $0.isPaused = true }
        try expect(unchanged.version == paused?.version, "an update that changed nothing bumped the version")
        try expect(
            try await fixture.store.latestChangeCursor() == cursor, "an update that changed nothing reached the feed")
        let fresh = try await fixture.store.updateScheduleState(for: "beta") { _ in }
        let storedBeta = try await fixture.store.scheduleState(for: "beta")
        try expect(
            fresh.version == 0 && storedBeta == nil,
            "an update of an unknown agent that changed nothing stored a state")
        let renamed = try await fixture.store.updateScheduleState(for: "gamma") { $0.agentName = "delta" }
        try expect(renamed.agentName == "gamma", "an update changed the agent a state belongs to")
    }

    static func scheduleOverride(_ fixture: Fixture) async throws {
        let cron = ScheduleConfiguration.cron("*/5 9-17 * * 1-5", timeZone: "Europe/Berlin")
        let start = try await fixture.store.latestChangeCursor()
        let set = try await fixture.store.updateScheduleState(for: "alpha") { $0.scheduleOverride = cron }
        try expect(set.scheduleOverride == cron, "an update did not return the schedule override it set")
        let read = try await fixture.peer.scheduleState(for: "alpha")
        try expect(
            read?.scheduleOverride == cron,
            "another handle read schedule override \(String(describing: read?.scheduleOverride)), expected \(cron)")
        let page = try await fixture.peer.changes(after: start, limit: 10)
        let announced = page.changes.contains { change in
            if case .scheduleState(let state) = change.kind { return state.scheduleOverride == cron }
            return false
        }
        try expect(announced, "the change feed did not carry the schedule override")

        // A runner's next-fire bookkeeping leaves the override alone.
        let base = Timestamp.roundedToMilliseconds(fixture.clock.now)
        let fired = try await fixture.peer.updateScheduleState(for: "alpha") {
            $0.nextFireAt = base.addingTimeInterval(300)
            $0.lastFireAt = base
        }
        try expect(fired.scheduleOverride == cron, "a next-fire update dropped the schedule override")

        let interval = ScheduleConfiguration.interval(.seconds(900))
        var replaced = fired
        replaced.scheduleOverride = interval
        try await fixture.store.saveScheduleState(replaced)
        try expect(
            try await fixture.peer.scheduleState(for: "alpha")?.scheduleOverride == interval,
            "an interval override did not round-trip through saveScheduleState")
        try expect(
            try await fixture.peer.allScheduleStates().first?.scheduleOverride == interval,
            "allScheduleStates did not return the schedule override")

        let cleared = try await fixture.peer.updateScheduleState(for: "alpha") { $0.scheduleOverride = nil }
        try expect(cleared.scheduleOverride == nil, "clearing the schedule override left it set")
        try expect(
            try await fixture.store.scheduleState(for: "alpha")?.scheduleOverride == nil,
            "a cleared schedule override came back on read")
    }

    static func changeFeedOrderAndResume(_ fixture: Fixture) async throws {
        let store = fixture.store
        try await expectStoreError(.invalidQuery) { _ = try await store.changes(after: .start, limit: 0) }
        let start = try await store.latestChangeCursor()
        try await store.saveScheduleState(ScheduleState(agentName: "alpha"))
        _ = try await fixture.peer.updateScheduleState(for: "alpha") { $0.isPaused = true }
        let request = ControlRequest(
            id: "request-1", action: .cancel(runID: try fixture.record().id, reason: nil), requestedBy: "test")
        _ = try await store.submitRequest(request)
        let run = try fixture.record()
        guard case .claimed(var claimed) = try await fixture.claim(run) else {
            try expect(false, "a fresh run was not claimed")
            return
        }
        claimed.status = .succeeded
        claimed.startedAt = claimed.queuedAt
        claimed.endedAt = claimed.queuedAt
        try await store.updateRun(claimed)
        // A run whose owner died is abandoned by the store itself when the same key is claimed again.
        let orphan = try fixture.record(key: "orphan")
        _ = try await fixture.claim(orphan, owner: "dead", lease: .seconds(5))
        await fixture.clock.advance(by: .seconds(6))
        _ = try await fixture.claim(try fixture.record(key: "orphan"), owner: "alive")
        try await store.removeScheduleState(for: "alpha")

        var seen: [StoreChange] = []
        var cursor = start
        for _ in 0..<20 {
            let page = try await fixture.peer.changes(after: cursor, limit: 2)
            try expect(!page.missedChanges, "a fresh feed reported missed changes")
            try expect(page.changes.count <= 2, "a change page holds more than its limit")
            guard !page.changes.isEmpty else {
                try expect(page.cursor == cursor, "an empty page moved the cursor")
                break
            }
            seen.append(contentsOf: page.changes)
            cursor = page.cursor
        }
        let sequences = seen.map(\.sequence)
        try expect(
            sequences == Array((start.sequence + 1)...(start.sequence + UInt64(max(1, seen.count)))),
            "change sequence numbers are not consecutive from the cursor: \(sequences)")
        func describe(_ kind: StoreChange.Kind) -> String {
            switch kind {
            case .scheduleState(let state): "schedule \(state.agentName) paused=\(state.isPaused) v\(state.version)"
            case .scheduleStateRemoved(let agent): "removed \(agent)"
            case .request(let request): "request \(request.id) \(request.state.rawValue)"
            case .runEnded(let id, _, let status): "run \(id == claimed.id ? "first" : "orphan") \(status)"
            case .planRun(let run): "plan run \(run.id) v\(run.version)"
            case .approval(let request): "approval \(request.runID) \(request.state)"
            case .candidate(let candidate): "candidate \(candidate.id) v\(candidate.version)"
            }
        }
        let expected = [
            "schedule alpha paused=false v1", "schedule alpha paused=true v2", "request request-1 pending",
            "run first succeeded", "run orphan abandoned", "removed alpha",
        ]
        let described = seen.map { describe($0.kind) }
        try expect(described == expected, "the feed holds \(described), expected \(expected)")
        try expect(
            try await store.latestChangeCursor() == cursor, "latestChangeCursor is not the cursor after the last change"
        )
        let resumed = try await store.changes(after: seen[2].cursor, limit: 100)
        try expect(
            resumed.changes.map(\.sequence) == Array(sequences.dropFirst(3)),
            "resuming from a cursor did not return exactly the later changes")
        let empty = try await store.changes(after: cursor, limit: 10)
        try expect(empty.changes.isEmpty && empty.cursor == cursor, "the page after the newest change is not empty")
    }

    static func changeFeedWakesWaiters(_ fixture: Fixture) async throws {
        let store = fixture.store
        let before = try await store.latestChangeCursor()
        try await store.saveScheduleState(ScheduleState(agentName: "alpha"))
        // Changes are already there: no wait.
        try await withDeadline(seconds: 5, "waitForChanges did not return at once although changes existed") {
            try await store.waitForChanges(after: before)
        }
        // A write through the other handle wakes a waiter.
        let latest = try await store.latestChangeCursor()
        try await withDeadline(seconds: 5, "a write through another handle did not wake waitForChanges within 5 s") {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await store.waitForChanges(after: latest) }
                group.addTask {
                    try await Task.sleep(for: .milliseconds(50))
                    _ = try await fixture.peer.updateScheduleState(for: "beta") { $0.isPaused = true }
                }
                try await group.waitForAll()
            }
        }
        // Cancellation ends a wait promptly.
        let idle = try await store.latestChangeCursor()
        let waiter = Task { try await store.waitForChanges(after: idle) }
        try await Task.sleep(for: .milliseconds(20))
        waiter.cancel()
        let ended: Bool = try await withDeadline(seconds: 5, "a cancelled waitForChanges did not return within 5 s") {
            do {
                try await waiter.value
                return false
            } catch is CancellationError {
                return true
            }
        }
        try expect(ended, "a cancelled waitForChanges returned normally instead of throwing CancellationError")
    }

    static func controlRequests(_ fixture: Fixture) async throws {
        let store = fixture.store
        let run = AgentRunRequest(agent: "alpha", parameters: ["depth": 1], correlationID: "conformance")
        let submitted = try await store.submitRequest(
            ControlRequest(id: "run-1", action: .run(request: run), requestedBy: "person"))
        try expect(submitted.state == .pending, "a submitted request is \(submitted.state), not pending")
        try expect(
            submitted.requestedAt == Timestamp.roundedToMilliseconds(fixture.clock.now),
            "requestedAt is not the store's now")
        try expect(
            try await fixture.peer.request(id: "run-1") == submitted, "the other handle does not see the request")
        try await expectStoreError(.invalidRecord) {
            _ = try await store.submitRequest(
                ControlRequest(id: "run-1", action: .run(request: run), requestedBy: "again"))
        }
        let handles = [fixture.store, fixture.peer]
        let winners = try await withThrowingTaskGroup(of: ControlRequest?.self) { group in
            for index in 0..<8 {
                group.addTask { try await handles[index % 2].takeRequest(id: "run-1", owner: "runner-\(index)") }
            }
            var taken: [ControlRequest] = []
            for try await request in group { if let request { taken.append(request) } }
            return taken
        }
        try expect(winners.count == 1, "\(winners.count) runners took the same request, expected exactly one")
        guard let winner = winners.first, let owner = winner.takenBy else { return }
        try expect(winner.state == .taken, "a taken request is \(winner.state)")
        try expect(try await store.takeRequest(id: "run-1", owner: owner) == nil, "a taken request was taken again")
        try await expectStoreError(.leaseNotHeld) {
            _ = try await store.completeRequest(
                id: "run-1", owner: "someone-else", runID: nil, runStatus: nil, outcome: "stolen")
        }
        let runID = try fixture.record().id
        await fixture.clock.advance(by: .seconds(3))
        let completed = try await fixture.peer.completeRequest(
            id: "run-1", owner: owner, runID: runID, runStatus: .succeeded, outcome: "run succeeded")
        try expect(
            completed.state == .completed && completed.runID == runID && completed.runStatus == .succeeded
                && completed.outcome == "run succeeded"
                && completed.completedAt == Timestamp.roundedToMilliseconds(fixture.clock.now),
            "the completed request does not carry its outcome: \(completed)")
        let again = try await store.completeRequest(
            id: "run-1", owner: owner, runID: nil, runStatus: .failed, outcome: "changed my mind")
        try expect(again == completed, "completing a completed request changed it")
        try await expectStoreError(.requestNotFound) {
            _ = try await store.completeRequest(id: "nope", owner: owner, runID: nil, runStatus: nil, outcome: "x")
        }
        try expect(try await store.request(id: "nope") == nil, "an unknown request id was found")

        let cancel = try await store.submitRequest(
            ControlRequest(id: "cancel-1", action: .cancel(runID: runID, reason: "wrong input"), requestedBy: "person"))
        let direct = try await store.completeRequest(
            id: cancel.id, owner: "runner-x", runID: runID, runStatus: .succeeded, outcome: "the run had ended")
        try expect(
            direct.state == .completed && direct.takenBy == "runner-x",
            "a pending request completed directly does not name who completed it")
        _ = try await store.submitRequest(
            ControlRequest(id: "run-2", action: .run(request: run), requestedBy: "person"))
        let pending = try await fixture.peer.requests(in: [.pending], limit: 10)
        try expect(pending.map(\.id) == ["run-2"], "requests(in: pending) returned \(pending.map(\.id))")
        let finished = try await store.requests(in: [.completed], limit: 10)
        try expect(
            finished.map(\.id) == ["run-1", "cancel-1"],
            "requests(in: completed) returned \(finished.map(\.id)), oldest first expected")
        try expect(
            try await store.requests(in: [.completed, .pending], limit: 2).count == 2,
            "requests(in:limit:) ignored its limit")
    }

    static func presenceExpiry(_ fixture: Fixture) async throws {
        let store = fixture.store
        let runner = RunnerPresence(id: "runner-1", host: "host-a", processID: 42, agents: ["alpha"], role: "test")
        let first = try await store.heartbeat(runner, timeToLive: .seconds(10))
        let started = Timestamp.roundedToMilliseconds(fixture.clock.now)
        try expect(
            first.startedAt == started && first.lastHeartbeatAt == started
                && first.expiresAt == started.addingTimeInterval(10),
            "the first heartbeat's times are not the store's now and now + ttl: \(first)")
        try expect(try await fixture.peer.livePresences() == [first], "a live runner is not listed by the other handle")
        await fixture.clock.advance(by: .seconds(6))
        let second = try await fixture.peer.heartbeat(runner, timeToLive: .seconds(10))
        try expect(second.startedAt == started, "a heartbeat changed startedAt")
        try expect(second.lastHeartbeatAt > first.lastHeartbeatAt, "a heartbeat did not move lastHeartbeatAt")
        let other = try await store.heartbeat(
            RunnerPresence(id: "runner-2", host: "host-b", processID: 7), timeToLive: .seconds(30))
        try expect(
            try await store.livePresences().map(\.id) == ["runner-1", "runner-2"],
            "live presences are not ordered by start")
        await fixture.clock.advance(by: .seconds(11))
        try expect(
            try await store.livePresences() == [other], "an expired runner is still listed, or a live one is missing")
        let back = try await store.heartbeat(runner, timeToLive: .seconds(10))
        try expect(
            back.startedAt == Timestamp.roundedToMilliseconds(fixture.clock.now),
            "a runner that beats again after expiring keeps its old startedAt")
        try await fixture.peer.removePresence(id: "runner-1")
        try await store.removePresence(id: "never-there")
        try expect(try await store.livePresences() == [other], "a removed runner is still listed")
    }

    static func markRunNotifiedOnce(_ fixture: Fixture) async throws {
        let store = fixture.store
        let running = try fixture.record(status: .running)
        try await store.insertRun(running)
        try expect(
            try await store.markRunNotified(id: running.id) == nil, "a run that has not ended was marked notified")
        try expect(try await store.markRunNotified(id: try fixture.record().id) == nil, "an unknown run was marked")
        let ended = try fixture.record(status: .abandoned)
        try await store.insertRun(ended)
        let handles = [fixture.store, fixture.peer]
        let marked = try await withThrowingTaskGroup(of: RunRecord?.self) { group in
            for index in 0..<8 { group.addTask { try await handles[index % 2].markRunNotified(id: ended.id) } }
            var winners: [RunRecord] = []
            for try await record in group { if let record { winners.append(record) } }
            return winners
        }
        try expect(marked.count == 1, "\(marked.count) callers were told to announce the same run, expected one")
        try expect(
            marked.first?.notifiedAt == Timestamp.roundedToMilliseconds(fixture.clock.now),
            "notifiedAt is not the store's now")
        try expect(
            try await store.run(id: ended.id)?.notifiedAt == marked.first?.notifiedAt, "notifiedAt was not stored")
    }
}

/// Runs `body`, failing the check when it takes longer than `seconds` of real time (a store that never wakes a
/// waiter must fail the suite, not hang it).
private func withDeadline<T: Sendable>(
    seconds: Double, _ message: String, check: String = #function, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withRealTimeDeadline(
        seconds: seconds,
        StoreConformanceFailure(check: String(check.prefix { $0 != "(" }), message: message), body)
}
