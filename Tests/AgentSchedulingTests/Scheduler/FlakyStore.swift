import AgentCore
import AgentStorage
import Foundation
import Synchronization

/// An in-memory store that fails every call with ``StoreError/Code/unavailable`` while ``isDown`` is set (or only
/// the reads of single runs while ``runReadsFail`` is), and counts the listings of requests.
final class FlakyStore: AgentStore {
    let base: InMemoryAgentStore
    private let down = Atomic(false)
    private let runReadsDown = Atomic(false)
    private let listings = Atomic(0)

    /// How many times ``requests(in:limit:)`` was called.
    var requestListings: Int { listings.load(ordering: .relaxed) }

    init(clock: any AgentClock) { base = InMemoryAgentStore(clock: clock) }

    var isDown: Bool {
        get { down.load(ordering: .relaxed) }
        set { down.store(newValue, ordering: .relaxed) }
    }

    var runReadsFail: Bool {
        get { runReadsDown.load(ordering: .relaxed) }
        set { runReadsDown.store(newValue, ordering: .relaxed) }
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
        if runReadsFail { throw StoreError(.unavailable, "connection reset") }
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
    func markRunNotified(id: RunID) async throws -> RunRecord? {
        try check()
        return try await base.markRunNotified(id: id)
    }
    func updateScheduleState(for agent: AgentName, _ change: @Sendable (inout ScheduleState) -> Void) async throws
        -> ScheduleState
    {
        try check()
        return try await base.updateScheduleState(for: agent, change)
    }
    func latestChangeCursor() async throws -> ChangeCursor {
        try check()
        return try await base.latestChangeCursor()
    }
    func changes(after cursor: ChangeCursor, limit: Int) async throws -> ChangePage {
        try check()
        return try await base.changes(after: cursor, limit: limit)
    }
    func waitForChanges(after cursor: ChangeCursor) async throws {
        try check()
        try await base.waitForChanges(after: cursor)
    }
    func submitRequest(_ request: ControlRequest) async throws -> ControlRequest {
        try check()
        return try await base.submitRequest(request)
    }
    func takeRequest(id: String, owner: String) async throws -> ControlRequest? {
        try check()
        return try await base.takeRequest(id: id, owner: owner)
    }
    func completeRequest(id: String, owner: String, runID: RunID?, runStatus: RunStatus?, outcome: String)
        async throws -> ControlRequest
    {
        try check()
        return try await base.completeRequest(
            id: id, owner: owner, runID: runID, runStatus: runStatus, outcome: outcome)
    }
    func request(id: String) async throws -> ControlRequest? {
        try check()
        return try await base.request(id: id)
    }
    func requests(in states: Set<ControlRequest.State>, limit: Int) async throws -> [ControlRequest] {
        listings.add(1, ordering: .relaxed)
        try check()
        return try await base.requests(in: states, limit: limit)
    }
    func heartbeat(_ presence: RunnerPresence, timeToLive: Duration) async throws -> RunnerPresence {
        try check()
        return try await base.heartbeat(presence, timeToLive: timeToLive)
    }
    func livePresences() async throws -> [RunnerPresence] {
        try check()
        return try await base.livePresences()
    }
    func removePresence(id: String) async throws {
        try check()
        try await base.removePresence(id: id)
    }
}
