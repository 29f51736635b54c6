import AgentCore
import AgentStorage
import PostgresAgentStore
import Synchronization
import Testing

/// The store conformance suite against a real PostgreSQL server: every check on a fresh schema, with a second
/// store (its own pool) on the same schema as the peer.
@Suite(TestDatabase.available) struct PostgresConformanceTests {
    @Test func conformsToTheStoreProtocols() async throws {
        guard let url = TestDatabase.url else { return }
        let schemas = Mutex<[String]>([])
        do {
            let passed = try await StoreConformanceSuite.run(
                makeStore: { clock in
                    let schema = TestDatabase.freshSchema("conformance")
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
            #expect(passed.count == StoreConformanceSuite.checkNames.count)
        } catch {
            Issue.record("\(error)")
        }
        for schema in schemas.withLock({ $0 }) { try await PostgresAgentStore.removeSchema(url: url, schema: schema) }
    }
}
