import AgentCore
import AgentStorage
import PostgresAgentStore
import Synchronization
import Testing

/// The workflow checks of the conformance suite (plan runs and approvals) against a real PostgreSQL server: every
/// check on a fresh schema, with a second store (its own pool) on the same schema as the peer, so every contended
/// check runs across two handles.
@Suite(TestDatabase.available) struct PostgresWorkflowConformanceTests {
    @Test func conformsToThePlanAndApprovalProtocols() async throws {
        guard let url = TestDatabase.url else { return }
        let schemas = Mutex<[String]>([])
        do {
            let passed = try await StoreConformanceSuite.runWorkflows(
                makeStore: { clock in
                    let schema = TestDatabase.freshSchema("workflows")
                    schemas.withLock { $0.append(schema) }
                    return try await PostgresAgentStore.open(
                        url: url, options: .init(schema: schema, clock: clock, pollInterval: .milliseconds(200)))
                },
                makePeer: { store, clock in
                    guard let store = store as? PostgresAgentStore else { return store }
                    return try await PostgresAgentStore.open(
                        url: url,
                        options: .init(schema: store.options.schema, clock: clock, pollInterval: .milliseconds(200)))
                })
            #expect(passed == StoreConformanceSuite.workflowCheckNames)
        } catch {
            Issue.record("\(error)")
        }
        for schema in schemas.withLock({ $0 }) { try await PostgresAgentStore.removeSchema(url: url, schema: schema) }
    }
}
