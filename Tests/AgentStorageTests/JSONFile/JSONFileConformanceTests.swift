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
}
