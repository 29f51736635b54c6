import AgentCore
import AgentStorage
import PostgresAgentStore
import Synchronization
import Testing

/// The store conformance suite against a real PostgreSQL server: every check on a fresh schema, with a second
/// store (its own pool) on the same schema as the peer, so every contended check races two handles.
@Suite(TestDatabase.available) struct PostgresConformanceTests {
    @Test func conformsToTheStoreProtocols() async throws {
        guard let url = TestDatabase.url else { return }
        let stores = SchemaStores(url: url, prefix: "conformance")
        do {
            let passed = try await StoreConformanceSuite.run(
                makeStore: { try await stores.open($0) }, makePeer: { try await stores.peer(of: $0, $1) ?? $0 })
            #expect(passed.count == StoreConformanceSuite.checkNames.count)
        } catch {
            Issue.record("\(error)")
        }
        try await stores.removeAll()
    }

    /// The plan and approval checks (`runWorkflows`), the same way.
    @Test func conformsToThePlanAndApprovalProtocols() async throws {
        guard let url = TestDatabase.url else { return }
        let stores = SchemaStores(url: url, prefix: "workflows")
        do {
            let passed = try await StoreConformanceSuite.runWorkflows(
                makeStore: { try await stores.open($0) }, makePeer: { try await stores.peer(of: $0, $1) ?? $0 })
            #expect(passed == StoreConformanceSuite.workflowCheckNames)
        } catch {
            Issue.record("\(error)")
        }
        try await stores.removeAll()
    }
}

extension PostgresConformanceTests {
    /// The pipeline candidate checks (`runCandidates`), the same way: one active stage run, one promotion per
    /// candidate, stage and digest, and pauses that hold, across two connection pools.
    @Test func conformsToTheCandidateProtocol() async throws {
        guard let url = TestDatabase.url else { return }
        let stores = SchemaStores(url: url, prefix: "candidates")
        do {
            let passed = try await StoreConformanceSuite.runCandidates(
                makeStore: { try await stores.open($0) }, makePeer: { try await stores.peer(of: $0, $1) ?? $0 })
            #expect(passed == StoreConformanceSuite.candidateCheckNames)
        } catch {
            Issue.record("\(error)")
        }
        try await stores.removeAll()
    }
}

/// Stores on fresh schemas for the conformance checks, second handles on their schemas, and the removal of every
/// schema afterwards.
final class SchemaStores: Sendable {
    private let url: String
    private let prefix: String
    private let schemas = Mutex<[String]>([])

    init(url: String, prefix: String) {
        self.url = url
        self.prefix = prefix
    }

    /// A store on a new schema, reading time from `clock`.
    func open(_ clock: ManualClock) async throws -> PostgresAgentStore {
        let schema = TestDatabase.freshSchema(prefix)
        schemas.withLock { $0.append(schema) }
        return try await PostgresAgentStore.open(
            url: url, options: .init(schema: schema, clock: clock, pollInterval: .milliseconds(200)))
    }

    /// A second store (its own pool) on the schema of `store`, or `nil` when it is not a PostgreSQL store.
    func peer(of store: any Sendable, _ clock: ManualClock) async throws -> PostgresAgentStore? {
        guard let store = store as? PostgresAgentStore else { return nil }
        return try await PostgresAgentStore.open(
            url: url, options: .init(schema: store.options.schema, clock: clock, pollInterval: .milliseconds(200)))
    }

    /// Removes every schema made so far.
    func removeAll() async throws {
        for schema in schemas.withLock({ $0 }) { try await PostgresAgentStore.removeSchema(url: url, schema: schema) }
    }
}
