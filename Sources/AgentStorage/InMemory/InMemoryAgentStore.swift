import AgentCore
import Foundation
import Synchronization

/// A complete ``AgentStore`` in memory: fast, deterministic with a ``ManualClock``, and gone when the
/// process ends.
///
/// Use it in tests of your own agents, for dry runs, and as the reference behaviour that
/// ``StoreConformanceSuite`` checks other stores against. Every operation runs under one lock, so the
/// atomic claim is trivially atomic within the process, and on the caller's executor (its methods are
/// `nonisolated(nonsending)`): an actor such as the scheduler calls it without hopping to another thread.
public final class InMemoryAgentStore: WorkflowStore {
    let clock: any AgentClock
    private let state = Mutex(RunIndex())
    private let leases = Mutex(LeaseTable())
    /// Everything but runs and leases: schedule states, requests, presences, plan runs, approvals and the change
    /// feed, under one lock.
    let control = Mutex(ControlState())
    let waiters = ChangeWaiters()

    /// The state behind ``control``.
    struct ControlState: Sendable {
        var schedules: [AgentName: ScheduleState] = [:]
        var requests = RequestTable()
        var presences = PresenceTable()
        var workflows = WorkflowTable()
        var candidates = CandidateTable()
        var changes = ChangeLog()
    }

    /// Creates an empty store.
    /// - Parameter clock: The clock lease expiry is read from (use the same ``ManualClock`` as the code
    ///   under test).
    public init(clock: any AgentClock = SystemClock()) {
        self.clock = clock
    }

    /// The number of stored run records.
    public var runCount: Int { state.withLock { $0.count } }

    /// See ``RunStore/claimRun(_:)``.
    /// - Parameter claim: The run to create and its lease.
    /// - Returns: Whether the caller may run it.
    /// - Throws: ``StoreError`` with ``StoreError/Code/duplicateRunID`` if the run id exists.
    nonisolated(nonsending) public func claimRun(_ claim: RunClaim) async throws -> RunClaimOutcome {
        let now = clock.now
        let (outcome, ended) = try state.withLock { index throws(StoreError) in
            (try index.claim(claim, now: now), index.takeEndedRuns())
        }
        publish(ended)
        return outcome
    }

    /// See ``RunStore/insertRun(_:)``.
    /// - Parameter record: The record.
    /// - Throws: ``StoreError`` with ``StoreError/Code/duplicateRunID`` if the run id exists.
    nonisolated(nonsending) public func insertRun(_ record: RunRecord) async throws {
        let ended = try state.withLock { index throws(StoreError) in
            try index.insert(record)
            return index.takeEndedRuns()
        }
        publish(ended)
    }

    /// See ``RunStore/updateRun(_:)``.
    /// - Parameter record: The new version of the record.
    /// - Throws: ``StoreError`` when the record is unknown or the change is not allowed.
    nonisolated(nonsending) public func updateRun(_ record: RunRecord) async throws {
        let ended = try state.withLock { index throws(StoreError) in
            try index.update(record)
            return index.takeEndedRuns()
        }
        publish(ended)
    }

    /// See ``RunStore/run(id:)``.
    /// - Parameter id: The run id.
    /// - Returns: The record, if any.
    nonisolated(nonsending) public func run(id: RunID) async throws -> RunRecord? {
        state.withLock { $0.record(id) }
    }

    /// See ``RunStore/queryRuns(_:)``.
    /// - Parameter query: Filters, page size and cursor.
    /// - Returns: The page.
    /// - Throws: ``StoreError`` for an invalid limit or cursor.
    nonisolated(nonsending) public func queryRuns(_ query: RunQuery) async throws -> RunPage {
        try query.validate()
        let after = try query.cursor?.runID()
        return state.withLock { $0.page(query, after: after) }
    }

    /// See ``RunStore/renewRunLease(id:owner:duration:)``.
    /// - Parameters:
    ///   - id: The run id.
    ///   - owner: The lease owner.
    ///   - duration: The new lease length from now.
    /// - Returns: The updated record.
    /// - Throws: ``StoreError`` when the lease is not held or the run is unknown.
    nonisolated(nonsending) public func renewRunLease(id: RunID, owner: String, duration: Duration) async throws
        -> RunRecord
    {
        let expiry = clock.now.addingTimeInterval(duration.timeInterval)
        return try state.withLock { index throws(StoreError) in
            try index.renewLease(id: id, owner: owner, until: Timestamp.roundedToMilliseconds(expiry))
        }
    }

    /// See ``RunStore/abandonExpiredRuns()``.
    /// - Returns: The records that were abandoned.
    nonisolated(nonsending) public func abandonExpiredRuns() async throws -> [RunRecord] {
        let now = clock.now
        let (abandoned, ended) = state.withLock { index in (index.abandonExpired(now: now), index.takeEndedRuns()) }
        publish(ended)
        return abandoned
    }

    /// See ``RunStore/markRunNotified(id:)``.
    /// - Parameter id: The run id.
    /// - Returns: The updated record for the one caller that set `notifiedAt`, otherwise `nil`.
    nonisolated(nonsending) public func markRunNotified(id: RunID) async throws -> RunRecord? {
        let now = clock.now
        return state.withLock { $0.markNotified(id: id, now: now) }
    }

    /// See ``LeaseStore/acquireLease(named:owner:duration:)``.
    /// - Parameters:
    ///   - name: What to lock.
    ///   - owner: Who takes it.
    ///   - duration: How long it lasts unless renewed.
    /// - Returns: The lease, or `nil` when someone else holds a live one.
    nonisolated(nonsending) public func acquireLease(named name: String, owner: String, duration: Duration) async throws
        -> Lease?
    {
        let now = clock.now
        return leases.withLock { $0.acquire(name: name, owner: owner, duration: duration, now: now) }
    }

    /// See ``LeaseStore/renewLease(_:duration:)``.
    /// - Parameters:
    ///   - lease: The lease as last returned.
    ///   - duration: The new length from now.
    /// - Returns: The renewed lease.
    /// - Throws: ``StoreError`` with ``StoreError/Code/leaseNotHeld`` if the caller lost it.
    nonisolated(nonsending) public func renewLease(_ lease: Lease, duration: Duration) async throws -> Lease {
        let now = clock.now
        return try leases.withLock { table throws(StoreError) in try table.renew(lease, duration: duration, now: now) }
    }

    /// See ``LeaseStore/releaseLease(_:)``.
    /// - Parameter lease: The lease.
    nonisolated(nonsending) public func releaseLease(_ lease: Lease) async throws {
        leases.withLock { $0.release(lease) }
    }

    /// See ``LeaseStore/lease(named:)``.
    /// - Parameter name: What is locked.
    /// - Returns: The live lease, if any.
    nonisolated(nonsending) public func lease(named name: String) async throws -> Lease? {
        let now = clock.now
        return leases.withLock { $0.live(name: name, now: now) }
    }

    /// See ``ScheduleStateStore/scheduleState(for:)``.
    /// - Parameter agent: The agent.
    /// - Returns: The saved state, if any.
    nonisolated(nonsending) public func scheduleState(for agent: AgentName) async throws -> ScheduleState? {
        control.withLock { $0.schedules[agent] }
    }

    /// See ``ScheduleStateStore/saveScheduleState(_:)``.
    /// - Parameter state: The state.
    nonisolated(nonsending) public func saveScheduleState(_ state: ScheduleState) async throws {
        let sequence = control.withLock { control in
            var stored = state
            stored.version = (control.schedules[state.agentName]?.version ?? 0) + 1
            control.schedules[state.agentName] = stored
            return control.changes.append(.scheduleState(stored)).sequence
        }
        waiters.advance(to: sequence)
    }

    /// See ``ScheduleStateStore/updateScheduleState(for:_:)``.
    /// - Parameters:
    ///   - agent: The agent.
    ///   - change: The change to apply under the store's lock.
    /// - Returns: The state as stored afterwards.
    nonisolated(nonsending) public func updateScheduleState(
        for agent: AgentName, _ change: @Sendable (inout ScheduleState) -> Void
    ) async throws -> ScheduleState {
        let (stored, sequence) = control.withLock { control -> (ScheduleState, UInt64?) in
            let before = control.schedules[agent] ?? ScheduleState(agentName: agent)
            var after = before
            change(&after)
            after.agentName = agent
            after.version = before.version
            guard after != before else { return (before, nil) }
            after.version += 1
            control.schedules[agent] = after
            return (after, control.changes.append(.scheduleState(after)).sequence)
        }
        if let sequence { waiters.advance(to: sequence) }
        return stored
    }

    /// See ``ScheduleStateStore/allScheduleStates()``.
    /// - Returns: Every state, by agent name.
    nonisolated(nonsending) public func allScheduleStates() async throws -> [ScheduleState] {
        control.withLock { $0.schedules.values.sorted { $0.agentName < $1.agentName } }
    }

    /// See ``ScheduleStateStore/removeScheduleState(for:)``.
    /// - Parameter agent: The agent.
    nonisolated(nonsending) public func removeScheduleState(for agent: AgentName) async throws {
        let sequence = control.withLock { control -> UInt64? in
            guard control.schedules.removeValue(forKey: agent) != nil else { return nil }
            return control.changes.append(.scheduleStateRemoved(agent)).sequence
        }
        if let sequence { waiters.advance(to: sequence) }
    }

    // MARK: Change feed

    /// See ``ChangeFeedStore/latestChangeCursor()``.
    /// - Returns: The cursor after the newest change.
    nonisolated(nonsending) public func latestChangeCursor() async throws -> ChangeCursor {
        control.withLock { $0.changes.latestCursor }
    }

    /// See ``ChangeFeedStore/changes(after:limit:)``.
    /// - Parameters:
    ///   - cursor: The last change read.
    ///   - limit: The most changes to return.
    /// - Returns: The page.
    /// - Throws: ``StoreError`` with ``StoreError/Code/invalidQuery`` for a limit below 1.
    nonisolated(nonsending) public func changes(after cursor: ChangeCursor, limit: Int) async throws -> ChangePage {
        guard limit >= 1 else {
            throw StoreError(.invalidQuery, "a change page needs a limit of at least 1, not \(limit)")
        }
        return control.withLock { $0.changes.page(after: cursor, limit: limit) }
    }

    /// See ``ChangeFeedStore/waitForChanges(after:)``: a change in this store wakes the caller at once.
    /// - Parameter cursor: The last change read.
    /// - Throws: `CancellationError` when the task is cancelled.
    nonisolated(nonsending) public func waitForChanges(after cursor: ChangeCursor) async throws {
        let latest = control.withLock { $0.changes.lastSequence }
        try await waiters.wait(after: cursor, latest: latest)
    }

    // MARK: Control requests

    /// See ``ControlRequestStore/submitRequest(_:)``.
    /// - Parameter request: The pending request.
    /// - Returns: The request as stored.
    /// - Throws: ``StoreError`` with ``StoreError/Code/invalidRecord`` for a used id or a request that is not pending.
    nonisolated(nonsending) public func submitRequest(_ request: ControlRequest) async throws -> ControlRequest {
        let now = clock.now
        return try writeRequest { requests throws(StoreError) in try requests.submission(request, now: now) }
    }

    /// See ``ControlRequestStore/takeRequest(id:owner:)``.
    /// - Parameters:
    ///   - id: The request id.
    ///   - owner: The runner taking it.
    /// - Returns: The taken request, or `nil` when it is not pending.
    nonisolated(nonsending) public func takeRequest(id: String, owner: String) async throws -> ControlRequest? {
        let now = clock.now
        return try writeOptionalRequest { requests in requests.taking(id: id, owner: owner, now: now) }
    }

    /// See ``ControlRequestStore/completeRequest(id:owner:runID:runStatus:outcome:)``.
    /// - Parameters:
    ///   - id: The request id.
    ///   - owner: The runner completing it.
    ///   - runID: The run concerned.
    ///   - runStatus: Its status.
    ///   - outcome: How it went.
    /// - Returns: The request as stored.
    /// - Throws: ``StoreError`` with ``StoreError/Code/requestNotFound`` or ``StoreError/Code/leaseNotHeld``.
    nonisolated(nonsending) public func completeRequest(
        id: String, owner: String, runID: RunID?, runStatus: RunStatus?, outcome: String
    ) async throws -> ControlRequest {
        let now = clock.now
        let (request, sequence) = try control.withLock { control throws(StoreError) -> (ControlRequest, UInt64?) in
            let (request, changed) = try control.requests.completing(
                id: id, owner: owner, runID: runID, runStatus: runStatus, outcome: outcome, now: now)
            guard changed else { return (request, nil) }
            control.requests.put(request)
            return (request, control.changes.append(.request(request)).sequence)
        }
        if let sequence { waiters.advance(to: sequence) }
        return request
    }

    /// See ``ControlRequestStore/request(id:)``.
    /// - Parameter id: The request id.
    /// - Returns: The request, if any.
    nonisolated(nonsending) public func request(id: String) async throws -> ControlRequest? {
        control.withLock { $0.requests.byID[id] }
    }

    /// See ``ControlRequestStore/requests(in:limit:)``.
    /// - Parameters:
    ///   - states: The states wanted.
    ///   - limit: The most to return.
    /// - Returns: The requests, oldest first.
    nonisolated(nonsending) public func requests(in states: Set<ControlRequest.State>, limit: Int) async throws
        -> [ControlRequest]
    {
        control.withLock { $0.requests.requests(in: states, limit: limit) }
    }

    // MARK: Presence

    /// See ``PresenceStore/heartbeat(_:timeToLive:)``.
    /// - Parameters:
    ///   - presence: The runner's identity.
    ///   - timeToLive: How long it counts as alive.
    /// - Returns: The presence as stored.
    nonisolated(nonsending) public func heartbeat(_ presence: RunnerPresence, timeToLive: Duration) async throws
        -> RunnerPresence
    {
        let now = clock.now
        return control.withLock { control in
            let stored = control.presences.beat(presence, timeToLive: timeToLive, now: now)
            control.presences.put(stored)
            for id in control.presences.stale(now: now) { control.presences.remove(id: id) }
            return stored
        }
    }

    /// See ``PresenceStore/livePresences()``.
    /// - Returns: The live runners.
    nonisolated(nonsending) public func livePresences() async throws -> [RunnerPresence] {
        let now = clock.now
        return control.withLock { $0.presences.live(now: now) }
    }

    /// See ``PresenceStore/removePresence(id:)``.
    /// - Parameter id: The runner id.
    nonisolated(nonsending) public func removePresence(id: String) async throws {
        _ = control.withLock { $0.presences.remove(id: id) }
    }

    // MARK: Helpers

    /// Appends the runs that ended to the change feed and wakes waiters.
    private func publish(_ ended: [StoreChange.Kind]) {
        guard !ended.isEmpty else { return }
        let sequence = control.withLock { control in
            for kind in ended { control.changes.append(kind) }
            return control.changes.lastSequence
        }
        waiters.advance(to: sequence)
    }

    /// Applies a request change that always writes, appends it to the feed and wakes waiters.
    private func writeRequest(
        _ body: (inout RequestTable) throws(StoreError) -> ControlRequest
    ) throws(StoreError) -> ControlRequest {
        let (request, sequence) = try control.withLock { control throws(StoreError) -> (ControlRequest, UInt64) in
            let request = try body(&control.requests)
            control.requests.put(request)
            return (request, control.changes.append(.request(request)).sequence)
        }
        waiters.advance(to: sequence)
        return request
    }

    /// Applies a request change that may write nothing.
    private func writeOptionalRequest(_ body: (inout RequestTable) -> ControlRequest?) throws(StoreError)
        -> ControlRequest?
    {
        let (request, sequence) = control.withLock { control -> (ControlRequest?, UInt64?) in
            guard let request = body(&control.requests) else { return (nil, nil) }
            control.requests.put(request)
            return (request, control.changes.append(.request(request)).sequence)
        }
        if let sequence { waiters.advance(to: sequence) }
        return request
    }
}
