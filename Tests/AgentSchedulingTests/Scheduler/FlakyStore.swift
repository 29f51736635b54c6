import AgentCore
import AgentStorage
import Foundation
import Synchronization

/// An in-memory store that fails every call with ``StoreError/Code/unavailable`` while ``isDown`` is set.
final class FlakyStore: AgentStore {
    let base: InMemoryAgentStore
    private let down = Atomic(false)

    init(clock: any AgentClock) { base = InMemoryAgentStore(clock: clock) }

    var isDown: Bool {
        get { down.load(ordering: .relaxed) }
        set { down.store(newValue, ordering: .relaxed) }
    }

    private func check() throws {
        if isDown { throw StoreError(.unavailable, "connection refused") }
    }

    func claimRun(_ claim: RunClaim) async throws -> RunClaimOutcome {
        try check()
        return try await base.claimRun(claim)
    }
    func insertRun(_ record: RunRecord) async throws {
        try check()
        try await base.insertRun(record)
    }
    func updateRun(_ record: RunRecord) async throws {
        try check()
        try await base.updateRun(record)
    }
    func run(id: RunID) async throws -> RunRecord? {
        try check()
        return try await base.run(id: id)
    }
    func queryRuns(_ query: RunQuery) async throws -> RunPage {
        try check()
        return try await base.queryRuns(query)
    }
    func renewRunLease(id: RunID, owner: String, duration: Duration) async throws -> RunRecord {
        try check()
        return try await base.renewRunLease(id: id, owner: owner, duration: duration)
    }
    func abandonExpiredRuns() async throws -> [RunRecord] {
        try check()
        return try await base.abandonExpiredRuns()
    }
    func acquireLease(named name: String, owner: String, duration: Duration) async throws -> Lease? {
        try check()
        return try await base.acquireLease(named: name, owner: owner, duration: duration)
    }
    func renewLease(_ lease: Lease, duration: Duration) async throws -> Lease {
        try check()
        return try await base.renewLease(lease, duration: duration)
    }
    func releaseLease(_ lease: Lease) async throws {
        try check()
        try await base.releaseLease(lease)
    }
    func lease(named name: String) async throws -> Lease? {
        try check()
        return try await base.lease(named: name)
    }
    func scheduleState(for agent: AgentName) async throws -> ScheduleState? {
        try check()
        return try await base.scheduleState(for: agent)
    }
    func saveScheduleState(_ state: ScheduleState) async throws {
        try check()
        try await base.saveScheduleState(state)
    }
    func allScheduleStates() async throws -> [ScheduleState] {
        try check()
        return try await base.allScheduleStates()
    }
    func removeScheduleState(for agent: AgentName) async throws {
        try check()
        try await base.removeScheduleState(for: agent)
    }
}
