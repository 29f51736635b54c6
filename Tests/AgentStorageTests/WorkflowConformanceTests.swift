import AgentCore
import AgentStorage
import Foundation
import Testing

struct WorkflowConformanceTests {
    @Test(arguments: StoreConformanceSuite.workflowCheckNames)
    func inMemoryStorePassesTheWorkflowCheck(_ check: String) async throws {
        let passed = try await StoreConformanceSuite.runWorkflows(only: [check]) { clock in
            InMemoryAgentStore(clock: clock)
        }
        #expect(passed == [check])
    }

    @Test(arguments: StoreConformanceSuite.workflowCheckNames)
    func jsonFileStorePassesTheWorkflowCheckWithAPeer(_ check: String) async throws {
        // The peer is a second instance on the same directory, as another process would open it.
        let directory = TemporaryDirectory("workflow-conformance")
        let passed = try await StoreConformanceSuite.runWorkflows(
            only: [check],
            makeStore: { clock in try await JSONFileAgentStore.open(directory: directory.url, clock: clock) },
            makePeer: { _, clock in try await JSONFileAgentStore.open(directory: directory.url, clock: clock) })
        #expect(passed == [check])
    }

    @Test func jsonFileStoreKeepsPlanRunsAndApprovalsThroughCompactionAndReopening() async throws {
        let directory = TemporaryDirectory("workflow-compaction")
        let clock = ManualClock(start: Date(timeIntervalSince1970: 1_767_225_600))
        let store = try await JSONFileAgentStore.open(directory: directory.url, clock: clock)
        let run = PlanRun(
            plan: "nightly", businessDate: try BusinessDate("2025-01-15"), tasks: [("seo.validate", "seo-validate")],
            requestedBy: "test")
        let created = try await store.createPlanRun(run).run
        let record = RunRecord(
            id: RunIDGenerator().next(at: clock.now),
            request: AgentRunRequest(agent: "seo-validate", parameters: .emptyObject), status: .awaitingApproval,
            queuedAt: clock.now)
        try await store.insertRun(record)
        let request = try await store.requestApproval(
            ApprovalRequest(record: record, planRunID: created.id, taskID: "seo.validate", requestedBy: "test"),
            timeout: ApprovalRequest.defaultTimeout
        ).request
        _ = try await store.compact()
        let reopened = try await JSONFileAgentStore.open(directory: directory.url, clock: clock)
        #expect(try await reopened.planRun(id: "nightly-2025-01-15") == created)
        #expect(try await reopened.approval(runID: record.id) == request)
        let decided = try await reopened.decideApproval(runID: record.id, verdict: .approve, by: "alice", comment: nil)
        #expect(decided.outcome == .decided)
        #expect(try await store.approval(runID: record.id)?.state == .approved)
    }
}
