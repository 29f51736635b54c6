import AgentCore
import Foundation

struct Fixture: Sendable {
    let store: any AgentStore
    /// A second handle on the same storage (another connection, another open of the same directory), or
    /// ``store`` itself when the store has no such thing.
    let peer: any AgentStore
    let clock: ManualClock
    let ids = RunIDGenerator(random: SeededRandomNumberGenerator(seed: 42))

    func record(
        agent: AgentName = "alpha", key: String? = nil, status: RunStatus = .queued,
        parameters: JSONValue = .emptyObject
    ) throws -> RunRecord {
        let request = AgentRunRequest(
            agent: agent, parameters: parameters, correlationID: "conformance",
            idempotencyKey: try key.map { try IdempotencyKey($0) })
        var record = RunRecord(id: ids.next(at: clock.now), request: request, status: status, queuedAt: clock.now)
        if status.isTerminal {
            record.startedAt = record.queuedAt
            record.endedAt = record.queuedAt
        }
        return record
    }

    func claim(_ record: RunRecord, owner: String = "owner-1", lease: Duration = .seconds(30)) async throws
        -> RunClaimOutcome
    {
        try await store.claimRun(RunClaim(record: record, owner: owner, leaseDuration: lease))
    }
}

func expect(
    _ condition: Bool, _ message: @autoclosure () -> String, check: String = #function
) throws {
    guard condition else {
        throw StoreConformanceFailure(check: String(check.prefix { $0 != "(" }), message: message())
    }
}

func expectStoreError(
    _ code: StoreError.Code, check: String = #function, _ body: () async throws -> Void
) async throws {
    do {
        try await body()
    } catch let error as StoreError {
        try expect(error.code == code, "expected StoreError \(code), got \(error)", check: check)
        return
    }
    try expect(false, "expected StoreError \(code), but the call succeeded", check: check)
}

extension StoreConformanceSuite {
    static func insertGetUpdate(_ fixture: Fixture) async throws {
        let store = fixture.store
        var record = try fixture.record(parameters: ["repo": "api", "depth": 2])
        try await store.insertRun(record)
        let fetched = try await store.run(id: record.id)
        try expect(fetched == record, "run(id:) returned \(String(describing: fetched)), expected the inserted record")
        try await expectStoreError(.duplicateRunID) { try await store.insertRun(record) }
        record.status = .running
        record.startedAt = fixture.clock.now
        try await store.updateRun(record)
        try expect(try await store.run(id: record.id)?.status == .running, "the update to running was not stored")
        let missing = try fixture.record()
        try expect(try await store.run(id: missing.id) == nil, "run(id:) found a record that was never stored")
    }

    static func updateRules(_ fixture: Fixture) async throws {
        let store = fixture.store
        let missing = try fixture.record()
        try await expectStoreError(.runNotFound) { try await store.updateRun(missing) }
        var record = try fixture.record(status: .running)
        try await store.insertRun(record)
        var rekeyed = record
        rekeyed.idempotencyKey = try IdempotencyKey("another-key")
        try await expectStoreError(.invalidRecord) { try await store.updateRun(rekeyed) }
        record.status = .succeeded
        record.endedAt = fixture.clock.now
        try await store.updateRun(record)
        var sameStatus = record
        sameStatus.notifiedAt = Timestamp.roundedToMilliseconds(fixture.clock.now)
        try await store.updateRun(sameStatus)
        try expect(
            try await store.run(id: record.id)?.notifiedAt == sameStatus.notifiedAt,
            "a terminal record could not be updated with the same status")
        var changed = record
        changed.status = .failed
        try await expectStoreError(.terminalRecordImmutable) { try await store.updateRun(changed) }
    }

    static func claimLifecycle(_ fixture: Fixture) async throws {
        let store = fixture.store
        let first = try fixture.record(key: "nightly-2026-01-01")
        guard case .claimed(let claimed) = try await fixture.claim(first, owner: "worker-a", lease: .seconds(30)) else {
            try expect(false, "a claim on a fresh key was not granted")
            return
        }
        try expect(
            claimed.leaseOwner == "worker-a", "the claimed record's leaseOwner is \(claimed.leaseOwner ?? "nil")")
        let expectedExpiry = fixture.clock.now.addingTimeInterval(30)
        try expect(
            abs((claimed.leaseExpiresAt ?? .distantPast).timeIntervalSince(expectedExpiry)) < 0.002,
            "leaseExpiresAt is \(String(describing: claimed.leaseExpiresAt)), expected now + 30 s on the store's clock")
        try expect(try await store.run(id: first.id) == claimed, "the stored record differs from the claimed one")

        let second = try fixture.record(key: "nightly-2026-01-01")
        let whileRunning = try await fixture.claim(second, owner: "worker-b")
        try expect(
            whileRunning == .inProgress(claimed), "a claim while the key is in progress answered \(whileRunning)")

        var failed = claimed
        failed.status = .failed
        failed.endedAt = fixture.clock.now
        try await store.updateRun(failed)
        let retry = try fixture.record(key: "nightly-2026-01-01")
        guard case .claimed(var retried) = try await fixture.claim(retry, owner: "worker-b") else {
            try expect(false, "a claim after a failed run with the same key was not granted")
            return
        }
        retried.status = .succeeded
        retried.endedAt = fixture.clock.now
        try await store.updateRun(retried)
        let third = try fixture.record(key: "nightly-2026-01-01")
        let afterSuccess = try await fixture.claim(third)
        try expect(afterSuccess == .duplicate(of: retried), "a claim after success answered \(afterSuccess)")
        try expect(try await store.run(id: third.id) == nil, "a duplicate claim stored a record")
        try await expectStoreError(.duplicateRunID) { _ = try await fixture.claim(retried) }
    }

    static func claimScopesKeysByAgent(_ fixture: Fixture) async throws {
        let one = try fixture.record(agent: "alpha", key: "shared-key")
        let two = try fixture.record(agent: "beta", key: "shared-key")
        let first = try await fixture.claim(one)
        let second = try await fixture.claim(two)
        guard case .claimed = first, case .claimed = second else {
            try expect(false, "the same key under two agents must be two claims; got \(first) and \(second)")
            return
        }
    }

    static func claimUnderContention(_ fixture: Fixture) async throws {
        let records = try (0..<100).map { _ in try fixture.record(key: "contended") }
        let outcomes = try await withThrowingTaskGroup(of: RunClaimOutcome.self) { group in
            for (index, record) in records.enumerated() {
                group.addTask { try await fixture.claim(record, owner: "owner-\(index)") }
            }
            var outcomes: [RunClaimOutcome] = []
            for try await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
        var winners: [RunRecord] = []
        for outcome in outcomes {
            if case .claimed(let record) = outcome { winners.append(record) }
        }
        try expect(winners.count == 1, "100 concurrent claims of one key granted \(winners.count) claims")
        for outcome in outcomes {
            if case .inProgress(let record) = outcome {
                try expect(record.id == winners[0].id, "a losing claim pointed at \(record.id), not the winner")
            } else if case .duplicate = outcome {
                try expect(false, "a losing claim answered duplicate although nothing succeeded")
            }
        }
        let page = try await fixture.store.queryRuns(RunQuery(limit: 1000))
        try expect(page.records.count == 1, "the store holds \(page.records.count) records after the contended claim")
    }

    static func expiredLeaseIsReclaimed(_ fixture: Fixture) async throws {
        let first = try fixture.record(key: "orphan")
        guard case .claimed = try await fixture.claim(first, owner: "dead-process", lease: .seconds(10)) else {
            try expect(false, "the first claim was not granted")
            return
        }
        await fixture.clock.advance(by: .seconds(9))
        let early = try await fixture.claim(try fixture.record(key: "orphan"), owner: "new-process")
        guard case .inProgress = early else {
            try expect(false, "a claim while the lease is live answered \(early)")
            return
        }
        await fixture.clock.advance(by: .seconds(2))
        let second = try fixture.record(key: "orphan")
        let outcome = try await fixture.claim(second, owner: "new-process")
        guard case .claimed(let claimed) = outcome else {
            try expect(false, "a claim after the lease expired answered \(outcome)")
            return
        }
        try expect(claimed.id == second.id, "the reclaim returned another record")
        let orphan = try await fixture.store.run(id: first.id)
        try expect(orphan?.status == .abandoned, "the orphaned run is \(orphan?.status.rawValue ?? "missing")")
        try expect(orphan?.endedAt != nil, "the abandoned run has no endedAt")
    }

    static func runLeaseRenewal(_ fixture: Fixture) async throws {
        let store = fixture.store
        let record = try fixture.record(key: "renewed")
        _ = try await fixture.claim(record, owner: "worker", lease: .seconds(10))
        for _ in 0..<5 {
            await fixture.clock.advance(by: .seconds(5))
            let renewed = try await store.renewRunLease(id: record.id, owner: "worker", duration: .seconds(10))
            try expect(
                renewed.leaseExpiresAt.map { $0 > fixture.clock.now } == true, "the renewed lease is not live")
        }
        try expect(try await store.abandonExpiredRuns().isEmpty, "a renewed run was abandoned")
        let competitor = try await fixture.claim(try fixture.record(key: "renewed"), owner: "other")
        guard case .inProgress = competitor else {
            try expect(false, "a claim against a renewed lease answered \(competitor)")
            return
        }
        try await expectStoreError(.leaseNotHeld) {
            _ = try await store.renewRunLease(id: record.id, owner: "intruder", duration: .seconds(10))
        }
        let missing = try fixture.record()
        try await expectStoreError(.runNotFound) {
            _ = try await store.renewRunLease(id: missing.id, owner: "worker", duration: .seconds(10))
        }
    }

    /// A record keeps every character through each write a run goes through: its claim, a lease renewal, its
    /// terminal record, the notified mark and a page, including a NUL, control characters, quotes, backslashes and
    /// text outside ASCII (a subprocess's output can hold any of them).
    static func recordsKeepEveryCharacter(_ fixture: Fixture) async throws {
        let store = fixture.store
        let text = "nul \u{0} bell \u{7} quote \" backslash \\ tab \t é ☃ 🚀 \u{2028}"
        var record = try fixture.record(
            key: "characters", parameters: ["text": .string(text), "list": [.string(text)]])
        guard case .claimed(let claimed) = try await fixture.claim(record, owner: "worker", lease: .seconds(30)) else {
            try expect(false, "a new key was not claimed")
            return
        }
        try expect(claimed.parameters == record.parameters, "the claim changed the parameters: \(claimed.parameters)")
        try expect(try await store.run(id: record.id) == claimed, "the claimed record was not stored as returned")
        await fixture.clock.advance(by: .seconds(5))
        let renewed = try await store.renewRunLease(id: record.id, owner: "worker", duration: .seconds(30))
        try expect(try await store.run(id: record.id) == renewed, "the renewed record was not stored as returned")
        record = renewed
        record.status = .failed
        record.startedAt = record.queuedAt
        record.endedAt = fixture.clock.now
        record.errorMessage = text
        record.logExcerpt = [text, "last \u{0}"]
        record.warnings = [text]
        record.summary = text
        try await store.updateRun(record)
        try expect(try await store.run(id: record.id) == record, "the terminal record was not stored as written")
        let marked = try await store.markRunNotified(id: record.id)
        try expect(marked?.errorMessage == text, "the notified mark changed the record: \(String(describing: marked))")
        try expect(try await store.run(id: record.id) == marked, "the notified record was not stored as returned")
        let page = try await store.queryRuns(RunQuery(agent: record.agentName, limit: 10))
        try expect(page.records.contains(marked ?? record), "a page returned the record changed: \(page.records)")
    }

    static func abandonExpiredRuns(_ fixture: Fixture) async throws {
        let store = fixture.store
        let short = try fixture.record(key: "short")
        let long = try fixture.record(key: "long")
        let done = try fixture.record(key: "done", status: .succeeded)
        _ = try await fixture.claim(short, owner: "a", lease: .seconds(5))
        _ = try await fixture.claim(long, owner: "b", lease: .seconds(60))
        try await store.insertRun(done)
        await fixture.clock.advance(by: .seconds(6))
        let abandoned = try await store.abandonExpiredRuns()
        try expect(abandoned.map(\.id) == [short.id], "abandoned \(abandoned.map(\.id)), expected only the expired run")
        try expect(abandoned.first?.status == .abandoned, "the returned record is not marked abandoned")
        try expect(try await store.run(id: short.id)?.status == .abandoned, "the abandoned status was not stored")
        try expect(try await store.run(id: long.id)?.status == .queued, "a live run was touched")
        try expect(try await store.run(id: done.id)?.status == .succeeded, "a terminal run was touched")
        try expect(try await store.abandonExpiredRuns().isEmpty, "a second sweep abandoned runs again")
    }

    static func queryFiltersAndOrder(_ fixture: Fixture) async throws {
        let store = fixture.store
        var inserted: [RunRecord] = []
        let agents: [AgentName] = ["alpha", "beta", "gamma"]
        // Runs in progress among ended ones: a store may keep the two apart, and every filter and page must still
        // see both, in one order.
        let statuses: [RunStatus] = [.succeeded, .running, .failed, .timedOut, .queued, .skipped, .awaitingApproval]
        for index in 0..<70 {
            let record = try fixture.record(agent: agents[index % 3], status: statuses[index % 7])
            try await store.insertRun(record)
            inserted.append(record)
            await fixture.clock.advance(by: .seconds(60))
        }
        let all = try await store.queryRuns(RunQuery(limit: 1000))
        try expect(all.records.map(\.id) == inserted.reversed().map(\.id), "an unfiltered query is not newest first")
        try expect(all.nextCursor == nil, "a query that returned everything has a next cursor")
        let beta = try await store.queryRuns(RunQuery(agent: "beta", limit: 1000))
        try expect(
            beta.records.map(\.id) == inserted.filter { $0.agentName == "beta" }.reversed().map(\.id),
            "the agent filter returned the wrong runs")
        let failures = try await store.queryRuns(RunQuery(statuses: [.failed, .timedOut], limit: 1000))
        try expect(
            failures.records.map(\.id)
                == inserted.filter { [.failed, .timedOut].contains($0.status) }.reversed().map(\.id),
            "the status filter returned the wrong runs")
        for mixed in [[RunStatus.running, .failed], [.queued, .awaitingApproval], [.running]] {
            let page = try await store.queryRuns(RunQuery(statuses: Set(mixed), limit: 1000))
            try expect(
                page.records.map(\.id) == inserted.filter { mixed.contains($0.status) }.reversed().map(\.id),
                "the status filter \(mixed) returned the wrong runs")
        }
        let since = inserted[20].queuedAt
        let before = inserted[30].queuedAt
        let window = try await store.queryRuns(RunQuery(queuedSince: since, queuedBefore: before, limit: 1000))
        try expect(
            window.records.map(\.id) == inserted[20..<30].reversed().map(\.id),
            "the time filter returned \(window.records.count) runs, expected the 10 in [since, before)")
        let combined = try await store.queryRuns(
            RunQuery(agent: "alpha", statuses: [.succeeded, .running], limit: 1000))
        try expect(
            combined.records.map(\.id)
                == inserted.filter { $0.agentName == "alpha" && [.succeeded, .running].contains($0.status) }
                .reversed().map(\.id),
            "combined filters returned the wrong runs")
        let key = inserted[7].idempotencyKey
        let keyed = try await store.queryRuns(RunQuery(idempotencyKey: key, limit: 1000))
        try expect(
            keyed.records.map(\.id) == inserted.filter { $0.idempotencyKey == key }.reversed().map(\.id),
            "the idempotency-key filter returned the wrong runs")
    }

    static func cursorPaging(_ fixture: Fixture) async throws {
        let store = fixture.store
        var inserted: [RunRecord] = []
        for index in 0..<137 {
            let record = try fixture.record(
                agent: index % 2 == 0 ? "alpha" : "beta",
                status: index % 5 == 0 ? .failed : index % 3 == 0 ? .running : .succeeded)
            try await store.insertRun(record)
            inserted.append(record)
            if index % 7 == 0 { await fixture.clock.advance(by: .milliseconds(1)) }
        }
        for query in [
            RunQuery(limit: 10), RunQuery(agent: "beta", limit: 7), RunQuery(statuses: [.failed], limit: 3),
            RunQuery(statuses: [.running, .failed], limit: 4),
        ] {
            var seen: [RunID] = []
            var cursor: RunCursor?
            var pages = 0
            var addedWhilePaging: [RunRecord] = []
            repeat {
                var paged = query
                paged.cursor = cursor
                let page = try await store.queryRuns(paged)
                try expect(page.records.count <= query.limit, "a page holds more than the limit")
                seen.append(contentsOf: page.records.map(\.id))
                cursor = page.nextCursor
                pages += 1
                if pages == 2 {
                    // A run added while paging is newer than every cursor, so it never shows up in later pages.
                    let added = try fixture.record(agent: "beta", status: .failed)
                    try await store.insertRun(added)
                    addedWhilePaging.append(added)
                }
            } while cursor != nil && pages < 200
            let expected = inserted.filter { query.matches($0) }.reversed().map(\.id)
            try expect(
                seen == expected,
                "paging \(query.agent?.rawValue ?? "all") by \(query.limit) saw \(seen.count) runs (\(Set(seen).count) distinct), expected \(expected.count)"
            )
            inserted.append(contentsOf: addedWhilePaging)
        }
    }

    static func queryValidation(_ fixture: Fixture) async throws {
        let store = fixture.store
        try await expectStoreError(.invalidQuery) { _ = try await store.queryRuns(RunQuery(limit: 0)) }
        try await expectStoreError(.invalidQuery) {
            _ = try await store.queryRuns(RunQuery(limit: RunQuery.maximumLimit + 1))
        }
        try await expectStoreError(.invalidCursor) {
            _ = try await store.queryRuns(RunQuery(cursor: RunCursor(token: "not-a-cursor")))
        }
    }

    static func namedLeases(_ fixture: Fixture) async throws {
        let store = fixture.store
        guard let first = try await store.acquireLease(named: "scheduler", owner: "a", duration: .seconds(10)) else {
            try expect(false, "a free lease could not be acquired")
            return
        }
        try expect(
            try await store.acquireLease(named: "scheduler", owner: "b", duration: .seconds(10)) == nil,
            "a live lease was granted to a second owner")
        try expect(try await store.lease(named: "scheduler") == first, "lease(named:) does not show the holder")
        await fixture.clock.advance(by: .seconds(5))
        let renewed = try await store.renewLease(first, duration: .seconds(10))
        try expect(renewed.expiresAt > first.expiresAt, "renewal did not extend the lease")
        await fixture.clock.advance(by: .seconds(11))
        try expect(try await store.lease(named: "scheduler") == nil, "an expired lease is still reported live")
        guard let taken = try await store.acquireLease(named: "scheduler", owner: "b", duration: .seconds(10)) else {
            try expect(false, "an expired lease could not be taken over")
            return
        }
        try expect(taken.fencingToken > first.fencingToken, "the fencing token did not grow on takeover")
        try await expectStoreError(.leaseNotHeld) { _ = try await store.renewLease(renewed, duration: .seconds(10)) }
        try await store.releaseLease(renewed)
        try expect(try await store.lease(named: "scheduler") == taken, "releasing a stale lease freed the new holder's")
        try await store.releaseLease(taken)
        try expect(try await store.lease(named: "scheduler") == nil, "a released lease is still held")
        let again = try await store.acquireLease(named: "scheduler", owner: "c", duration: .seconds(10))
        try expect(
            (again?.fencingToken ?? 0) > taken.fencingToken, "the fencing token did not grow after a release")
    }

    static func scheduleStates(_ fixture: Fixture) async throws {
        let store = fixture.store
        try expect(try await store.scheduleState(for: "alpha") == nil, "an unknown agent has a schedule state")
        let now = Timestamp.roundedToMilliseconds(fixture.clock.now)
        let alpha = ScheduleState(
            agentName: "alpha", nextFireAt: now.addingTimeInterval(60), lastFireAt: now, isPaused: true,
            pausedReason: "5 consecutive failures", consecutiveFailures: 5)
        let beta = ScheduleState(agentName: "beta", nextFireAt: now)
        try await store.saveScheduleState(beta)
        try await store.saveScheduleState(alpha)
        var savedAlpha = alpha
        savedAlpha.version = 1
        var savedBeta = beta
        savedBeta.version = 1
        let roundTripped = try await store.scheduleState(for: "alpha")
        try expect(
            roundTripped == savedAlpha,
            "the saved state did not round-trip with version 1: \(String(describing: roundTripped))")
        try expect(
            try await store.allScheduleStates() == [savedAlpha, savedBeta], "allScheduleStates is not sorted by agent")
        var resumed = alpha
        resumed.isPaused = false
        resumed.pausedReason = nil
        try await store.saveScheduleState(resumed)
        resumed.version = 2
        try expect(
            try await store.scheduleState(for: "alpha") == resumed,
            "saving did not replace the state and give it version 2")
        try await store.removeScheduleState(for: "alpha")
        try expect(try await store.allScheduleStates() == [savedBeta], "removeScheduleState left the state behind")
    }
}
