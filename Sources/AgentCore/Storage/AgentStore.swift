import Foundation

/// Stores run records and performs the atomic claim.
///
/// Implementations must be safe to call concurrently. Every requirement is `nonisolated(nonsending)`: a
/// store whose operations are quick inside (the in-memory store) declares its methods the same way and runs
/// on the caller's executor, with no hop off an actor such as the scheduler; a store that blocks on I/O
/// declares plain `async` methods (or `@concurrent`), which run on the global executor.
///
/// ``claimRun(_:)`` is the heart of idempotency: the
/// check for an existing run with the same agent and idempotency key and the insertion of the new run
/// must be one atomic step, also across processes that share the store.
public protocol RunStore: Sendable {
    /// Atomically creates a run unless another run with the same agent and idempotency key makes it a
    /// duplicate.
    ///
    /// Rules, in order: if a run with the same agent and key has a status in
    /// ``RunClaim/settledStatuses``, answer ``RunClaimOutcome/duplicate(of:)`` with the newest such run;
    /// otherwise walk the non-terminal runs with that key (queued, running or awaiting approval) oldest first,
    /// marking each whose lease has expired ``RunStatus/abandoned``, and answer
    /// ``RunClaimOutcome/inProgress(_:)`` with the first one under a live lease or awaiting approval (which holds no
    /// lease and is never abandoned) (newer ones stay as they are,
    /// for a later claim or ``abandonExpiredRuns()``). Otherwise insert ``RunClaim/record`` with the lease owner and an expiry of
    /// now + ``RunClaim/leaseDuration`` on the store's clock, and answer ``RunClaimOutcome/claimed(_:)``.
    /// - Parameter claim: The run to create and its lease.
    /// - Returns: Whether the caller may run it.
    /// - Throws: ``StoreError`` (``StoreError/Code/duplicateRunID`` if the run id exists).
    nonisolated(nonsending) func claimRun(_ claim: RunClaim) async throws -> RunClaimOutcome

    /// Inserts a record without the idempotency check (for example a `skipped` fire).
    /// - Parameter record: The record.
    /// - Throws: ``StoreError`` with ``StoreError/Code/duplicateRunID`` if the run id exists.
    nonisolated(nonsending) func insertRun(_ record: RunRecord) async throws

    /// Replaces a stored record.
    ///
    /// The agent and idempotency key of a run never change, and a terminal record keeps its status:
    /// updating a terminal record is allowed only with the same status (for example to set `notifiedAt`).
    /// - Parameter record: The new version of the record.
    /// - Throws: ``StoreError`` with ``StoreError/Code/runNotFound``, ``StoreError/Code/invalidRecord`` or
    ///   ``StoreError/Code/terminalRecordImmutable``.
    nonisolated(nonsending) func updateRun(_ record: RunRecord) async throws

    /// Fetches a record.
    /// - Parameter id: The run id.
    /// - Returns: The record, or `nil` if there is none.
    /// - Throws: ``StoreError`` when the store cannot be read.
    nonisolated(nonsending) func run(id: RunID) async throws -> RunRecord?

    /// Lists records, newest first, one page at a time.
    /// - Parameter query: Filters, page size and cursor.
    /// - Returns: The page and the cursor of the next one.
    /// - Throws: ``StoreError`` with ``StoreError/Code/invalidQuery`` or ``StoreError/Code/invalidCursor``.
    nonisolated(nonsending) func queryRuns(_ query: RunQuery) async throws -> RunPage

    /// Extends the lease of a queued or running run held by `owner` to now + `duration`.
    /// - Parameters:
    ///   - id: The run id.
    ///   - owner: The lease owner.
    ///   - duration: The new lease length from now.
    /// - Returns: The updated record.
    /// - Throws: ``StoreError`` with ``StoreError/Code/leaseNotHeld`` if the run is terminal or owned by
    ///   someone else, or ``StoreError/Code/runNotFound``.
    nonisolated(nonsending) func renewRunLease(id: RunID, owner: String, duration: Duration) async throws -> RunRecord

    /// Marks every queued or running run whose lease has expired as ``RunStatus/abandoned`` (its owner
    /// died); runs whose owner still renews the lease are left alone.
    /// - Returns: The records that were abandoned.
    /// - Throws: ``StoreError`` when the store cannot be written.
    nonisolated(nonsending) func abandonExpiredRuns() async throws -> [RunRecord]

    /// Atomically takes charge of announcing a run's end: sets ``RunRecord/notifiedAt`` to the store's now on a
    /// terminal run whose `notifiedAt` is still `nil`.
    ///
    /// Several runners that learn of the same ended run (for example one that a store marked
    /// ``RunStatus/abandoned``) all call this; exactly one gets the record back and emits the event and the
    /// notifications, so each run is announced once.
    /// - Parameter id: The run id.
    /// - Returns: The updated record for the one caller that set `notifiedAt`; `nil` when it was already set, the
    ///   run is not terminal, or there is no such run.
    /// - Throws: ``StoreError`` when the store cannot be written.
    nonisolated(nonsending) func markRunNotified(id: RunID) async throws -> RunRecord?
}

/// Named, time-limited locks on the store's clock. Requirements are `nonisolated(nonsending)`, as in ``RunStore``.
public protocol LeaseStore: Sendable {
    /// Takes a lease if it is free or expired.
    /// - Parameters:
    ///   - name: What to lock.
    ///   - owner: Who takes it.
    ///   - duration: How long it lasts unless renewed.
    /// - Returns: The lease, or `nil` when someone else holds a live one. Re-acquiring one's own live
    ///   lease renews it.
    /// - Throws: ``StoreError`` when the store cannot be written.
    nonisolated(nonsending) func acquireLease(named name: String, owner: String, duration: Duration) async throws
        -> Lease?

    /// Extends a lease the caller holds.
    /// - Parameters:
    ///   - lease: The lease as last returned to the caller.
    ///   - duration: The new length from now.
    /// - Returns: The renewed lease.
    /// - Throws: ``StoreError`` with ``StoreError/Code/leaseNotHeld`` if it expired and was taken by someone
    ///   else, or was released.
    nonisolated(nonsending) func renewLease(_ lease: Lease, duration: Duration) async throws -> Lease

    /// Gives a lease up; releasing a lease one no longer holds does nothing.
    /// - Parameter lease: The lease.
    /// - Throws: ``StoreError`` when the store cannot be written.
    nonisolated(nonsending) func releaseLease(_ lease: Lease) async throws

    /// The current live holder of a lease.
    /// - Parameter name: What is locked.
    /// - Returns: The live lease, or `nil` when it is free or expired.
    /// - Throws: ``StoreError`` when the store cannot be read.
    nonisolated(nonsending) func lease(named name: String) async throws -> Lease?
}

/// Per-agent schedule state that survives restarts. Requirements are `nonisolated(nonsending)`, as in
/// ``RunStore``.
public protocol ScheduleStateStore: Sendable {
    /// The state of one agent.
    /// - Parameter agent: The agent.
    /// - Returns: The state, or `nil` if none was saved.
    /// - Throws: ``StoreError`` when the store cannot be read.
    nonisolated(nonsending) func scheduleState(for agent: AgentName) async throws -> ScheduleState?

    /// Saves (inserts or replaces) the whole state of one agent, giving it the next ``ScheduleState/version``.
    ///
    /// This overwrites whatever another process wrote meanwhile; when other processes may write the same agent's
    /// state (a pause from `agentctl pause`, another runner), use ``updateScheduleState(for:_:)``.
    /// - Parameter state: The state.
    /// - Throws: ``StoreError`` when the store cannot be written.
    nonisolated(nonsending) func saveScheduleState(_ state: ScheduleState) async throws

    /// Atomically reads, changes and writes one agent's state under the store's own lock, so that no write by
    /// another process between the read and the write is lost.
    ///
    /// The closure gets the stored state (or a fresh ``ScheduleState`` when none is stored) and changes only the
    /// fields its caller owns, for example only the pause flag. When it changes nothing, nothing is written.
    /// Otherwise the store writes the result with the next ``ScheduleState/version`` and appends a
    /// ``StoreChange/Kind/scheduleState(_:)`` change to the feed.
    /// - Parameters:
    ///   - agent: The agent.
    ///   - change: The change; it may run more than once (a store may retry it on a conflict), so it must not have
    ///     side effects.
    /// - Returns: The state as stored afterwards.
    /// - Throws: ``StoreError`` when the store cannot be read or written.
    nonisolated(nonsending) func updateScheduleState(
        for agent: AgentName, _ change: @Sendable (inout ScheduleState) -> Void
    ) async throws -> ScheduleState

    /// Every saved state, ordered by agent name.
    /// - Returns: The states.
    /// - Throws: ``StoreError`` when the store cannot be read.
    nonisolated(nonsending) func allScheduleStates() async throws -> [ScheduleState]

    /// Forgets the state of an agent (when it is removed).
    /// - Parameter agent: The agent.
    /// - Throws: ``StoreError`` when the store cannot be written.
    nonisolated(nonsending) func removeScheduleState(for agent: AgentName) async throws
}

/// The store's change feed: a numbered, ordered log of what any process wrote that live runners must learn about
/// (schedule states, control requests, runs that ended), so a runner follows other processes without re-reading
/// everything. Requirements are `nonisolated(nonsending)`, as in ``RunStore``.
///
/// A reader keeps a ``ChangeCursor``: it reads ``changes(after:limit:)`` until the page is empty, then
/// ``waitForChanges(after:)`` until there is more.
public protocol ChangeFeedStore: Sendable {
    /// The cursor after the newest change: start from here to see only what is written from now on.
    /// - Returns: The cursor.
    /// - Throws: ``StoreError`` when the store cannot be read.
    nonisolated(nonsending) func latestChangeCursor() async throws -> ChangeCursor

    /// The changes after a cursor, oldest first.
    /// - Parameters:
    ///   - cursor: The position of the last change read.
    ///   - limit: The most changes to return (at least 1).
    /// - Returns: The changes, the cursor to continue from, and whether changes after `cursor` were lost (then
    ///   re-read the state you follow).
    /// - Throws: ``StoreError`` with ``StoreError/Code/invalidQuery`` for a limit below 1, or when the store cannot
    ///   be read.
    nonisolated(nonsending) func changes(after cursor: ChangeCursor, limit: Int) async throws -> ChangePage

    /// Returns once the feed holds a change after `cursor` (at once when it already does).
    ///
    /// A change written by this process wakes the waiter at once; one written by another process does so within
    /// the store's notification latency (at most a second for the built-in stores), without busy polling.
    /// - Parameter cursor: The position of the last change read.
    /// - Throws: `CancellationError` when the calling task is cancelled; ``StoreError`` when the store cannot be
    ///   read.
    nonisolated(nonsending) func waitForChanges(after cursor: ChangeCursor) async throws
}

/// Control requests between processes: run an agent now, cancel a run. Requirements are
/// `nonisolated(nonsending)`, as in ``RunStore``.
public protocol ControlRequestStore: Sendable {
    /// Writes a new pending request, sets its ``ControlRequest/requestedAt`` to the store's now and appends a
    /// ``StoreChange/Kind/request(_:)`` change.
    /// - Parameter request: The request (state ``ControlRequest/State/pending``).
    /// - Returns: The request as stored.
    /// - Throws: ``StoreError`` with ``StoreError/Code/invalidRecord`` when a request with that id exists or the
    ///   request is not pending.
    nonisolated(nonsending) func submitRequest(_ request: ControlRequest) async throws -> ControlRequest

    /// Atomically takes a pending request for `owner`: exactly one caller wins.
    /// - Parameters:
    ///   - id: The request id.
    ///   - owner: The runner taking it.
    /// - Returns: The taken request, or `nil` when it is not pending (taken by someone, completed) or unknown.
    /// - Throws: ``StoreError`` when the store cannot be written.
    nonisolated(nonsending) func takeRequest(id: String, owner: String) async throws -> ControlRequest?

    /// Completes a request that is pending or taken by `owner`, with its outcome; completing a completed request
    /// changes nothing and returns it as stored.
    /// - Parameters:
    ///   - id: The request id.
    ///   - owner: The runner completing it.
    ///   - runID: The run it started or cancelled, if any.
    ///   - runStatus: That run's status now, if any.
    ///   - outcome: How it went, in words.
    /// - Returns: The request as stored.
    /// - Throws: ``StoreError`` with ``StoreError/Code/requestNotFound`` for an unknown id, or
    ///   ``StoreError/Code/leaseNotHeld`` when another runner took it.
    nonisolated(nonsending) func completeRequest(
        id: String, owner: String, runID: RunID?, runStatus: RunStatus?, outcome: String
    ) async throws -> ControlRequest

    /// One request.
    /// - Parameter id: The request id.
    /// - Returns: The request, or `nil` when there is none.
    /// - Throws: ``StoreError`` when the store cannot be read.
    nonisolated(nonsending) func request(id: String) async throws -> ControlRequest?

    /// The requests in some states, oldest first.
    /// - Parameters:
    ///   - states: The states wanted.
    ///   - limit: The most requests to return.
    /// - Returns: The requests.
    /// - Throws: ``StoreError`` when the store cannot be read.
    nonisolated(nonsending) func requests(in states: Set<ControlRequest.State>, limit: Int) async throws
        -> [ControlRequest]
}

/// Which runners are alive. Requirements are `nonisolated(nonsending)`, as in ``RunStore``.
public protocol PresenceStore: Sendable {
    /// Writes a runner's presence: sets ``RunnerPresence/lastHeartbeatAt`` to the store's now and
    /// ``RunnerPresence/expiresAt`` to now + `timeToLive`, and keeps ``RunnerPresence/startedAt`` from its first
    /// heartbeat (setting it to now on the first).
    /// - Parameters:
    ///   - presence: The runner's identity and agents.
    ///   - timeToLive: How long it counts as alive without another heartbeat.
    /// - Returns: The presence as stored.
    /// - Throws: ``StoreError`` when the store cannot be written.
    nonisolated(nonsending) func heartbeat(_ presence: RunnerPresence, timeToLive: Duration) async throws
        -> RunnerPresence

    /// The runners whose presence has not expired on the store's clock, oldest start first.
    /// - Returns: The live runners.
    /// - Throws: ``StoreError`` when the store cannot be read.
    nonisolated(nonsending) func livePresences() async throws -> [RunnerPresence]

    /// Removes a runner's presence (when it stops); removing an unknown id does nothing.
    /// - Parameter id: The runner's id.
    /// - Throws: ``StoreError`` when the store cannot be written.
    nonisolated(nonsending) func removePresence(id: String) async throws
}

/// Everything the orchestrator, the scheduler and the runner need from storage. Implement this to plug in a
/// database; prove the implementation with `StoreConformanceSuite` from `AgentStorage`.
public protocol AgentStore: RunStore, LeaseStore, ScheduleStateStore, ChangeFeedStore, ControlRequestStore,
    PresenceStore
{}
