import AgentCore
import AgentStorage
import Foundation
import Testing

struct JSONFileConformanceTests {
    @Test(arguments: StoreConformanceSuite.checkNames)
    func passesTheConformanceCheck(_ check: String) async throws {
        let directory = TemporaryDirectory("conformance")
        let passed = try await StoreConformanceSuite.run(only: [check]) { clock in
            try await JSONFileAgentStore.open(directory: directory.url, clock: clock)
        }
        #expect(passed == [check])
    }

    @Test(arguments: StoreConformanceSuite.checkNames)
    func passesTheConformanceCheckWithAPeer(_ check: String) async throws {
        // The peer is a second instance on the same directory: its own engine, writer queue and `flock`, as in
        // another process.
        let directory = TemporaryDirectory("conformance-peer")
        let passed = try await StoreConformanceSuite.run(
            only: [check],
            makeStore: { clock in try await JSONFileAgentStore.open(directory: directory.url, clock: clock) },
            makePeer: { _, clock in try await JSONFileAgentStore.open(directory: directory.url, clock: clock) })
        #expect(passed == [check])
    }

    @Test(arguments: StoreConformanceSuite.checkNames)
    func passesTheConformanceCheckAfterReopening(_ check: String) async throws {
        // Every operation goes to disk; a store reopened on the same files must still pass, which shows the
        // files alone carry the state (the second instance catches up through the journal).
        let directory = TemporaryDirectory("conformance-two")
        let passed = try await StoreConformanceSuite.run(only: [check]) { clock in
            return TwoInstances(
                first: try await JSONFileAgentStore.open(directory: directory.url, clock: clock),
                second: try await JSONFileAgentStore.open(directory: directory.url, clock: clock))
        }
        #expect(passed == [check])
    }
}

/// Writes through one store instance and reads through another on the same directory, as two processes
/// would.
private struct TwoInstances: AgentStore {
    let first: JSONFileAgentStore
    let second: JSONFileAgentStore

    func claimRun(_ claim: RunClaim) async throws -> RunClaimOutcome { try await first.claimRun(claim) }
    func insertRun(_ record: RunRecord) async throws { try await second.insertRun(record) }
    func updateRun(_ record: RunRecord) async throws { try await first.updateRun(record) }
    func run(id: RunID) async throws -> RunRecord? { try await second.run(id: id) }
    func queryRuns(_ query: RunQuery) async throws -> RunPage { try await second.queryRuns(query) }
    func renewRunLease(id: RunID, owner: String, duration: Duration) async throws -> RunRecord {
        try await second.renewRunLease(id: id, owner: owner, duration: duration)
    }
    func abandonExpiredRuns() async throws -> [RunRecord] { try await first.abandonExpiredRuns() }
    func acquireLease(named name: String, owner: String, duration: Duration) async throws -> Lease? {
        try await first.acquireLease(named: name, owner: owner, duration: duration)
    }
    func renewLease(_ lease: Lease, duration: Duration) async throws -> Lease {
        try await second.renewLease(lease, duration: duration)
    }
    func releaseLease(_ lease: Lease) async throws { try await first.releaseLease(lease) }
    func lease(named name: String) async throws -> Lease? { try await second.lease(named: name) }
    func scheduleState(for agent: AgentName) async throws -> ScheduleState? {
        try await second.scheduleState(for: agent)
    }
    func saveScheduleState(_ state: ScheduleState) async throws { try await first.saveScheduleState(state) }
    func allScheduleStates() async throws -> [ScheduleState] { try await second.allScheduleStates() }
    func removeScheduleState(for agent: AgentName) async throws { try await first.removeScheduleState(for: agent) }
    func markRunNotified(id: RunID) async throws -> RunRecord? { try await second.markRunNotified(id: id) }
    func updateScheduleState(for agent: AgentName, _ change: @Sendable (inout ScheduleState) -> Void) async throws
        -> ScheduleState
    { try await second.updateScheduleState(for: agent, change) }
    func latestChangeCursor() async throws -> ChangeCursor { try await first.latestChangeCursor() }
    func changes(after cursor: ChangeCursor, limit: Int) async throws -> ChangePage {
        try await second.changes(after: cursor, limit: limit)
    }
    // The waiter is in the instance that does not write schedule states through this wrapper, so a write through
    // the wrapper reaches it as another process's write would.
    func waitForChanges(after cursor: ChangeCursor) async throws { try await second.waitForChanges(after: cursor) }
    func submitRequest(_ request: ControlRequest) async throws -> ControlRequest {
        try await first.submitRequest(request)
    }
    func takeRequest(id: String, owner: String) async throws -> ControlRequest? {
        try await second.takeRequest(id: id, owner: owner)
    }
    func completeRequest(id: String, owner: String, runID: RunID?, runStatus: RunStatus?, outcome: String)
        async throws -> ControlRequest
    { try await first.completeRequest(id: id, owner: owner, runID: runID, runStatus: runStatus, outcome: outcome) }
    func request(id: String) async throws -> ControlRequest? { try await second.request(id: id) }
    func requests(in states: Set<ControlRequest.State>, limit: Int) async throws -> [ControlRequest] {
        try await second.requests(in: states, limit: limit)
    }
    func heartbeat(_ presence: RunnerPresence, timeToLive: Duration) async throws -> RunnerPresence {
        try await first.heartbeat(presence, timeToLive: timeToLive)
    }
    func livePresences() async throws -> [RunnerPresence] { try await second.livePresences() }
    func removePresence(id: String) async throws { try await first.removePresence(id: id) }
}
