import AgentCore
import Foundation
import PostgresAgentStore
import PostgresNIO
import Testing

/// The store's statements keep reaching `runs` through its indexes after the table has grown.
@Suite(TestDatabase.available) struct QueryPlanTests {
    /// A connection keeps the plan it made for a prepared statement while the table was nearly empty; that plan must
    /// not scan the whole table once it has grown (checked to fail, reading every row of the grown table, when the
    /// store's connections allow sequential scans).
    @Test func runWritesUseIndexesAfterTheTableGrows() async throws {
        try await TestDatabase.withSchema("plans") { url, schema in
            // One connection, so that every statement below runs on the connection that planned it.
            let store = try await PostgresAgentStore.open(
                url: url, options: .init(schema: schema, maximumConnections: 1))
            let ids = RunIDGenerator(random: SeededRandomNumberGenerator(seed: 5))
            func runOnce(_ key: String) async throws {
                let request = AgentRunRequest(
                    agent: "planned", correlationID: "plans", idempotencyKey: try IdempotencyKey(key))
                let record = RunRecord(id: ids.next(at: Date()), request: request, status: .running, queuedAt: Date())
                guard
                    case .claimed(var claimed) = try await store.claimRun(
                        RunClaim(record: record, owner: "planner", leaseDuration: .seconds(60)))
                else {
                    Issue.record("run \(key) was not claimed")
                    return
                }
                claimed.status = .succeeded
                claimed.endedAt = claimed.queuedAt
                try await store.updateRun(claimed)
            }
            // More executions than PostgreSQL makes custom plans for (5): the connection now uses its generic plans.
            for index in 0..<10 { try await runOnce("small-\(index)") }

            let connection = try await RawConnection(url: url)
            defer { connection.closeLater() }
            let filler = 5_000
            try await connection.execute(
                """
                INSERT INTO \(schema).runs (id, agent, idempotency_key, status, queued_at, ended_at, record)
                SELECT 'filler-' || lpad(number::text, 6, '0'), 'filler', 'filler-' || number, 'succeeded', now(),
                    now(), '{}'::jsonb
                FROM generate_series(1, \(filler)) AS number
                """)
            for index in 0..<10 { try await runOnce("grown-\(index)") }
            // Closing ends the store's server session, which publishes its table statistics.
            store.close()

            var statistics: (updates: Int64, scanned: Int64) = (0, 0)
            try await poll("the server to publish the statistics of the store's session", seconds: 15) {
                statistics = try await connection.runStatistics(schema: schema)
                return statistics.updates >= 20
            }
            #expect(
                statistics.scanned < Int64(filler),
                "the run writes scanned \(statistics.scanned) rows of `runs` sequentially instead of using its indexes")
        }
    }
}
