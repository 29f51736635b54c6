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
    /// ``RunClaimOutcome/inProgress(_:)`` with the first one under a live lease (newer ones stay as they are,
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

    /// Saves (inserts or replaces) the state of one agent.
    /// - Parameter state: The state.
    /// - Throws: ``StoreError`` when the store cannot be written.
    nonisolated(nonsending) func saveScheduleState(_ state: ScheduleState) async throws

    /// Every saved state, ordered by agent name.
    /// - Returns: The states.
    /// - Throws: ``StoreError`` when the store cannot be read.
    nonisolated(nonsending) func allScheduleStates() async throws -> [ScheduleState]

    /// Forgets the state of an agent (when it is removed).
    /// - Parameter agent: The agent.
    /// - Throws: ``StoreError`` when the store cannot be written.
    nonisolated(nonsending) func removeScheduleState(for agent: AgentName) async throws
}

/// Everything the orchestrator and the scheduler need from storage. Implement this to plug in a
/// database; prove the implementation with `StoreConformanceSuite` from `AgentStorage`.
public protocol AgentStore: RunStore, LeaseStore, ScheduleStateStore {}
