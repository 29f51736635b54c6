import AgentCore
import AgentScheduling
import PostgresAgentStore
import Testing

/// The acceptance checks of staged pipelines against a real PostgreSQL server: every check on a fresh schema, the
/// second runner on a second store (its own pool) on that schema.
@Suite(TestDatabase.available) struct PipelineAcceptanceTests {
    @Test(arguments: PipelineAcceptanceSuite.checkNames)
    func passes(_ check: String) async throws {
        guard let url = TestDatabase.url else { return }
        let stores = SchemaStores(url: url, prefix: "pipelines")
        do {
            let passed = try await PipelineAcceptanceSuite.run(
                only: [check], makeStore: { try await stores.open($0) },
                makeHandle: { try await stores.peer(of: $0, $1) ?? $0 })
            #expect(passed == [check])
        } catch {
            Issue.record("\(error)")
        }
        try await stores.removeAll()
    }
}
