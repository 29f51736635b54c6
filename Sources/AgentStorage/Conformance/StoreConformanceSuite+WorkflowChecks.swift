import AgentCore
import Foundation

/// Checks of ``PlanStore`` and ``ApprovalStore``: one plan run per id, compare-and-set on plan runs, approvals
/// decided once with their deadline and approver rules, notification taken in charge once, and runs awaiting
/// approval never abandoned. Every contended check runs across the two handles.
extension StoreConformanceSuite {
    /// A function that makes a fresh, empty workflow store reading time from the given clock.
    public typealias WorkflowStoreFactory = @Sendable (ManualClock) async throws -> any WorkflowStore
    /// A function that opens a second handle on the storage of the given workflow store.
    public typealias WorkflowPeerFactory = @Sendable (any WorkflowStore, ManualClock) async throws -> any WorkflowStore

    /// The names of the workflow checks, in the order they run.
    public static var workflowCheckNames: [String] { workflowChecks.map(\.name) }

    /// Runs every workflow check (or the named ones) against a store that implements ``WorkflowStore``; run
    /// ``run(only:makeStore:makePeer:)`` for the rest of the protocols.
    /// - Parameters:
    ///   - only: The names of the checks to run; all when `nil`.
    ///   - makeStore: Makes a fresh, empty store per check.
    ///   - makePeer: Opens a second handle on a store's storage; without it the checks use the store itself.
    /// - Returns: The names of the checks that passed.
    /// - Throws: ``StoreConformanceFailure`` for the first check that fails, or the store's own error.
    @discardableResult
    public static func runWorkflows(
        only: Set<String>? = nil, makeStore: WorkflowStoreFactory, makePeer: WorkflowPeerFactory? = nil
    ) async throws -> [String] {
        try await execute(
            workflowChecks.map { check in
                (
                    check.name,
                    { store, peer, clock in
                        try await check.body(
                            WorkflowFixture(
                                base: Fixture(store: store, peer: peer, clock: clock), store: store, peer: peer))
                    }
                )
            }, only: only, makeStore: makeStore, makePeer: makePeer)
    }

    private struct WorkflowCheck: Sendable {
        let name: String
        let body: @Sendable (WorkflowFixture) async throws -> Void
    }

    private static let workflowChecks: [WorkflowCheck] = [
        WorkflowCheck(name: "planRunCreateOrGet", body: planRunCreateOrGet),
        WorkflowCheck(name: "planRunCompareAndSet", body: planRunCompareAndSet),
        WorkflowCheck(name: "planRunListing", body: planRunListing),
        WorkflowCheck(name: "approvalDecidedOnce", body: approvalDecidedOnce),
        WorkflowCheck(name: "approvalDeadlineAndApprovers", body: approvalDeadlineAndApprovers),
        WorkflowCheck(name: "approvalNotifiedOnce", body: approvalNotifiedOnce),
        WorkflowCheck(name: "awaitingApprovalIsNeverAbandoned", body: awaitingApprovalIsNeverAbandoned),
    ]

    static func planRunCreateOrGet(_ fixture: WorkflowFixture) async throws {
        let run = try fixture.planRun()
        let cursor = try await fixture.store.latestChangeCursor()
        let first = try await fixture.store.createPlanRun(run)
        try expect(first.created, "the first createPlanRun did not create the run")
        try expect(first.run.version == 1, "a new plan run has version \(first.run.version), expected 1")
        try expect(
            first.run.createdAt == Timestamp.roundedToMilliseconds(fixture.clock.now),
            "createdAt is not the store's now")
        try expect(first.run.tasks.map(\.id) == ["a", "b"], "the tasks were not stored in order")
        let feed = try await fixture.peer.changes(after: cursor, limit: 10).changes
        try expect(
            feed.count == 1
                && feed.first.map { if case .planRun(let stored) = $0.kind { stored == first.run } else { false } }
                    == true,
            "creating a plan run did not append exactly one planRun change: \(feed)")
        var other = run
        other.requestedBy = "someone else"
        let again = try await fixture.peer.createPlanRun(other)
        try expect(!again.created && again.run == first.run, "a second create did not return the existing run")
        try expect(
            try await fixture.store.changes(after: cursor, limit: 10).changes.count == 1,
            "a create that found the run wrote to the feed")
        // Eight concurrent creates of another date through both handles: exactly one creates it.
        let next = try fixture.planRun(date: "2026-01-02")
        let handles = [fixture.store, fixture.peer]
        let created = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<8 { group.addTask { try await handles[index % 2].createPlanRun(next).created } }
            var count = 0
            for try await wasCreated in group where wasCreated { count += 1 }
            return count
        }
        try expect(created == 1, "\(created) concurrent creates of one plan run id created it, expected one")
        try await expectStoreError(.invalidRecord) {
            var empty = try fixture.planRun(date: "2026-01-03")
            empty.tasks = []
            _ = try await fixture.store.createPlanRun(empty)
        }
    }

    static func planRunCompareAndSet(_ fixture: WorkflowFixture) async throws {
        let stored = try await fixture.store.createPlanRun(try fixture.planRun()).run
        var changed = stored
        changed.tasks[0].status = .running
        changed.tasks[0].dispatchedBy = "runner-1"
        await fixture.clock.advance(by: .seconds(5))
        let second = try await fixture.peer.replacePlanRun(changed, expectedVersion: 1)
        try expect(second.version == 2, "a replace gave version \(second.version), expected 2")
        try expect(second.tasks[0].dispatchedBy == "runner-1", "the replace did not store the task")
        try expect(second.createdAt == stored.createdAt, "a replace changed createdAt")
        try expect(
            second.updatedAt == Timestamp.roundedToMilliseconds(fixture.clock.now), "updatedAt is not the store's now")
        try expect(try await fixture.store.planRun(id: stored.id) == second, "the other handle reads an old version")
        try await expectStoreError(.versionConflict) {
            _ = try await fixture.store.replacePlanRun(changed, expectedVersion: 1)
        }
        try await expectStoreError(.planRunNotFound) {
            _ = try await fixture.store.replacePlanRun(try fixture.planRun(date: "2027-01-01"), expectedVersion: 1)
        }
        try await expectStoreError(.invalidRecord) {
            var moved = second
            moved.plan = "other"
            _ = try await fixture.store.replacePlanRun(moved, expectedVersion: 2)
        }
        // Ten concurrent dispatches of the same pending task from version 2, through both handles: one wins.
        let handles = [fixture.store, fixture.peer]
        let winners = try await withThrowingTaskGroup(of: String?.self) { group in
            for index in 0..<10 {
                group.addTask {
                    var attempt = second
                    attempt.tasks[1].status = .running
                    attempt.tasks[1].dispatchedBy = "runner-\(index)"
                    do {
                        _ = try await handles[index % 2].replacePlanRun(attempt, expectedVersion: 2)
                        return "runner-\(index)"
                    } catch let error as StoreError where error.code == .versionConflict {
                        return nil
                    }
                }
            }
            var names: [String] = []
            for try await name in group { if let name { names.append(name) } }
            return names
        }
        try expect(winners.count == 1, "\(winners.count) concurrent compare-and-sets won, expected one")
        let final = try await fixture.peer.planRun(id: stored.id)
        try expect(
            final?.version == 3 && final?.tasks[1].dispatchedBy == winners.first,
            "the stored run is not the winner's (version \(final?.version ?? 0))")
    }

    static func planRunListing(_ fixture: WorkflowFixture) async throws {
        var ids: [String] = []
        for day in 1...3 {
            await fixture.clock.advance(by: .seconds(60))
            ids.append(try await fixture.store.createPlanRun(try fixture.planRun(date: "2026-01-0\(day)")).run.id)
        }
        await fixture.clock.advance(by: .seconds(60))
        _ = try await fixture.store.createPlanRun(try fixture.planRun(plan: "weekly", date: "2026-01-01"))
        let nightly = try await fixture.peer.planRuns(plan: "nightly", statuses: nil, limit: 10).map(\.id)
        try expect(nightly == ids.reversed(), "planRuns(plan:) gave \(nightly), expected \(Array(ids.reversed()))")
        let all = try await fixture.peer.planRuns(plan: nil, statuses: [.running], limit: 2).map(\.id)
        try expect(all == ["weekly-2026-01-01", ids[2]], "planRuns(limit: 2) gave \(all)")
        try expect(
            try await fixture.peer.planRuns(plan: nil, statuses: [.succeeded], limit: 10).isEmpty,
            "the status filter let running runs through")
    }

    static func approvalDecidedOnce(_ fixture: WorkflowFixture) async throws {
        let record = try fixture.base.record(status: .awaitingApproval)
        try await fixture.store.insertRun(record)
        let request = ApprovalRequest(
            record: record, planRunID: "nightly-2026-01-01", taskID: "a", requestedBy: "runner")
        let first = try await fixture.store.requestApproval(request, timeout: .seconds(3600))
        try expect(first.created && first.request.state == .pending, "requestApproval did not create a pending request")
        try expect(
            first.request.deadline == Timestamp.roundedToMilliseconds(fixture.clock.now.addingTimeInterval(3600)),
            "the deadline is not the store's now + timeout")
        let again = try await fixture.peer.requestApproval(request, timeout: .seconds(60))
        try expect(!again.created && again.request == first.request, "a second request replaced the first")
        await fixture.clock.advance(by: .seconds(10))
        let approved = try await fixture.peer.decideApproval(
            runID: record.id, verdict: .approve, by: "alice", comment: "looks good")
        try expect(approved.outcome == .decided, "the first approval answered \(approved.outcome)")
        // The decision is read into a local first: Swift 6.3.1's optimizer crashes (CopyPropagation, "found
        // outside of lifetime use") on the optional chains through `approved` inside the `&&` autoclosures, which
        // stopped every release build of AgentStorage.
        let decision = approved.request.decision
        let decidedAt = Timestamp.roundedToMilliseconds(fixture.clock.now)
        try expect(
            approved.request.state == .approved && decision?.decidedBy == "alice" && decision?.comment == "looks good"
                && decision?.decidedAt == decidedAt,
            "the decision was not stored with approver, comment and the store's time")
        let cursor = try await fixture.store.latestChangeCursor()
        let repeated = try await fixture.store.decideApproval(
            runID: record.id, verdict: .approve, by: "bob", comment: nil)
        try expect(
            repeated.outcome == .unchanged && repeated.request == approved.request,
            "a repeated approval answered \(repeated.outcome) or changed the request")
        let conflicting = try await fixture.store.decideApproval(
            runID: record.id, verdict: .reject, by: "bob", comment: nil)
        try expect(
            conflicting.outcome == .alreadyDecided && conflicting.request == approved.request,
            "a rejection after an approval answered \(conflicting.outcome)")
        try expect(
            try await fixture.store.latestChangeCursor() == cursor, "a decision that changed nothing wrote to the feed")
        try await expectStoreError(.approvalNotFound) {
            _ = try await fixture.store.decideApproval(
                runID: try fixture.base.record().id, verdict: .approve, by: "alice", comment: nil)
        }
        // Concurrent approve and reject through both handles: exactly one decides.
        let contested = try fixture.base.record(status: .awaitingApproval)
        try await fixture.store.insertRun(contested)
        _ = try await fixture.store.requestApproval(
            ApprovalRequest(record: contested, requestedBy: "runner"), timeout: .seconds(3600))
        let handles = [fixture.store, fixture.peer]
        let outcomes = try await withThrowingTaskGroup(of: ApprovalDecisionResult.self) { group in
            for index in 0..<8 {
                group.addTask {
                    try await handles[index % 2].decideApproval(
                        runID: contested.id, verdict: index % 2 == 0 ? .approve : .reject, by: "person-\(index)",
                        comment: nil)
                }
            }
            var results: [ApprovalDecisionResult] = []
            for try await result in group { results.append(result) }
            return results
        }
        let decided = outcomes.filter { $0.outcome == .decided }
        try expect(decided.count == 1, "\(decided.count) concurrent decisions won, expected one")
        let final = try await fixture.store.approval(runID: contested.id)
        try expect(final == decided.first?.request, "the stored decision is not the winner's")
        try expect(
            outcomes.allSatisfy { $0.request.state == final?.state },
            "a loser was answered with another state than the stored one")
    }

    static func approvalDeadlineAndApprovers(_ fixture: WorkflowFixture) async throws {
        let record = try fixture.base.record(status: .awaitingApproval)
        try await fixture.store.insertRun(record)
        _ = try await fixture.store.requestApproval(
            ApprovalRequest(
                record: record, requestedBy: "carol", approvers: ["alice", "carol"], preventSelfApproval: true),
            timeout: .seconds(100))
        let stranger = try await fixture.store.decideApproval(
            runID: record.id, verdict: .approve, by: "mallory", comment: nil)
        try expect(
            stranger.outcome == .notAllowed && stranger.request.state == .pending, "an unlisted approver decided")
        let selfApproval = try await fixture.peer.decideApproval(
            runID: record.id, verdict: .approve, by: "carol", comment: nil)
        try expect(selfApproval.outcome == .notAllowed, "the requester approved its own request")
        try expect(
            try await fixture.store.expireApprovals().isEmpty, "a request was expired before its deadline")
        await fixture.clock.advance(by: .seconds(100))
        // At the deadline, before any sweep: refused as expired, and the request is expired for good.
        let late = try await fixture.peer.decideApproval(runID: record.id, verdict: .approve, by: "alice", comment: nil)
        try expect(late.outcome == .expired, "an approval at the deadline answered \(late.outcome)")
        try expect(
            late.request.state == .expired && late.request.decision?.decidedBy == ApprovalRequest.systemDecider,
            "a late approval did not expire the request")
        let later = try await fixture.store.decideApproval(
            runID: record.id, verdict: .approve, by: "alice", comment: nil)
        try expect(
            later.outcome == .alreadyDecided && later.request.state == .expired, "an expired request was approved")
        // The sweep expires what nobody answered, once.
        let quiet = try fixture.base.record(status: .awaitingApproval)
        try await fixture.store.insertRun(quiet)
        _ = try await fixture.store.requestApproval(
            ApprovalRequest(record: quiet, requestedBy: "runner"), timeout: .seconds(50))
        await fixture.clock.advance(by: .seconds(49))
        try expect(try await fixture.peer.expireApprovals().isEmpty, "the sweep expired a request before its deadline")
        await fixture.clock.advance(by: .seconds(1))
        let swept = try await fixture.peer.expireApprovals()
        try expect(swept.map(\.runID) == [quiet.id], "the sweep expired \(swept.map(\.runID)), expected the quiet run")
        try expect(try await fixture.store.expireApprovals().isEmpty, "a second sweep expired the request again")
        let pending = try await fixture.store.approvals(in: [.pending], limit: 10)
        let expired = try await fixture.store.approvals(in: [.expired], limit: 10)
        try expect(
            pending.isEmpty && expired.count == 2,
            "approvals(in:) lists \(pending.count) pending, \(expired.count) expired")
    }

    static func approvalNotifiedOnce(_ fixture: WorkflowFixture) async throws {
        let record = try fixture.base.record(status: .awaitingApproval)
        try await fixture.store.insertRun(record)
        try expect(
            try await fixture.store.markApprovalNotified(runID: record.id) == nil, "a run without request was marked")
        _ = try await fixture.store.requestApproval(
            ApprovalRequest(record: record, requestedBy: "runner"), timeout: .seconds(60))
        let handles = [fixture.store, fixture.peer]
        let marked = try await withThrowingTaskGroup(of: ApprovalRequest?.self) { group in
            for index in 0..<8 { group.addTask { try await handles[index % 2].markApprovalNotified(runID: record.id) } }
            var winners: [ApprovalRequest] = []
            for try await request in group { if let request { winners.append(request) } }
            return winners
        }
        try expect(marked.count == 1, "\(marked.count) callers were told to notify the same request, expected one")
        try expect(
            try await fixture.peer.approval(runID: record.id)?.notifiedAt
                == Timestamp.roundedToMilliseconds(fixture.clock.now),
            "notifiedAt was not stored as the store's now")
    }

    static func awaitingApprovalIsNeverAbandoned(_ fixture: WorkflowFixture) async throws {
        let record = try fixture.base.record(key: "approval-key")
        guard case .claimed(var waiting) = try await fixture.base.claim(record, lease: .seconds(5)) else {
            try expect(false, "the first claim was not granted")
            return
        }
        waiting.status = .awaitingApproval
        waiting.leaseOwner = nil
        waiting.leaseExpiresAt = nil
        try await fixture.store.updateRun(waiting)
        await fixture.clock.advance(by: .seconds(3600))
        try expect(
            try await fixture.peer.abandonExpiredRuns().isEmpty, "the sweep abandoned a run awaiting approval")
        let second = try fixture.base.record(key: "approval-key")
        let outcome = try await fixture.peer.claimRun(
            RunClaim(record: second, owner: "owner-2", leaseDuration: .seconds(5)))
        guard case .inProgress(let found) = outcome else {
            try expect(false, "a claim of the same key answered \(outcome), expected inProgress")
            return
        }
        try expect(found.id == waiting.id && found.status == .awaitingApproval, "the claim abandoned the waiting run")
    }
}

/// A conformance fixture whose handles are workflow stores.
struct WorkflowFixture: Sendable {
    /// The run-level fixture over the same handles.
    let base: Fixture
    /// The store under test.
    let store: any WorkflowStore
    /// A second handle on its storage, or the store itself.
    let peer: any WorkflowStore

    var clock: ManualClock { base.clock }

    /// A two-task plan run (`a` then `b`).
    func planRun(plan: String = "nightly", date: String = "2026-01-01") throws -> PlanRun {
        PlanRun(
            plan: plan, businessDate: try BusinessDate(date), tasks: [("a", "alpha"), ("b", "beta")],
            requestedBy: "conformance")
    }
}
