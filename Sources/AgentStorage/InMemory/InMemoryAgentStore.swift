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
public final class InMemoryAgentStore: AgentStore {
    private let clock: any AgentClock
    private let state = Mutex(RunIndex())
    private let leases = Mutex(LeaseTable())
    private let schedules = Mutex([AgentName: ScheduleState]())

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
        return try state.withLock { index throws(StoreError) in
            try index.claim(claim, now: now)
        }
    }

    /// See ``RunStore/insertRun(_:)``.
    /// - Parameter record: The record.
    /// - Throws: ``StoreError`` with ``StoreError/Code/duplicateRunID`` if the run id exists.
    nonisolated(nonsending) public func insertRun(_ record: RunRecord) async throws {
        try state.withLock { index throws(StoreError) in try index.insert(record) }
    }

    /// See ``RunStore/updateRun(_:)``.
    /// - Parameter record: The new version of the record.
    /// - Throws: ``StoreError`` when the record is unknown or the change is not allowed.
    nonisolated(nonsending) public func updateRun(_ record: RunRecord) async throws {
        try state.withLock { index throws(StoreError) in try index.update(record) }
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
        return state.withLock { $0.abandonExpired(now: now) }
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
        schedules.withLock { $0[agent] }
    }

    /// See ``ScheduleStateStore/saveScheduleState(_:)``.
    /// - Parameter state: The state.
    nonisolated(nonsending) public func saveScheduleState(_ state: ScheduleState) async throws {
        schedules.withLock { $0[state.agentName] = state }
    }

    /// See ``ScheduleStateStore/allScheduleStates()``.
    /// - Returns: Every state, by agent name.
    nonisolated(nonsending) public func allScheduleStates() async throws -> [ScheduleState] {
        schedules.withLock { $0.values.sorted { $0.agentName < $1.agentName } }
    }

    /// See ``ScheduleStateStore/removeScheduleState(for:)``.
    /// - Parameter agent: The agent.
    nonisolated(nonsending) public func removeScheduleState(for agent: AgentName) async throws {
        _ = schedules.withLock { $0.removeValue(forKey: agent) }
    }
}
