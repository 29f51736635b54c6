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

    /// A page reads about as many rows as it returns, whatever the filters, from a table whose newest rows match none
    /// of them: the ended runs through the index that fits the filter, the runs in progress through theirs (checked to
    /// fail, reading the whole table, without the index on ended runs' statuses).
    @Test func pagesReadAboutTheRowsTheyReturn() async throws {
        try await TestDatabase.withSchema("pages") { url, schema in
            let store = try await PostgresAgentStore.open(url: url, options: .init(schema: schema))
            let connection = try await RawConnection(url: url)
            defer { connection.closeLater() }
            let filler = 5_000
            // Older than any run below by queue time, newer by id: an index that does not fit a filter reads them all.
            try await connection.execute(
                """
                INSERT INTO \(schema).runs (id, agent, idempotency_key, status, queued_at, ended_at, record)
                SELECT 'filler-' || lpad(number::text, 6, '0'), 'filler', 'filler-' || number, 'succeeded',
                    '2020-01-01', '2020-01-01', '{}'::jsonb
                FROM generate_series(1, \(filler)) AS number
                """)
            let now = Date()
            let ids = RunIDGenerator(random: SeededRandomNumberGenerator(seed: 11))
            let statuses: [RunStatus] = [.running, .failed, .succeeded, .queued, .awaitingApproval, .timedOut]
            var stored: [RunRecord] = []
            for index in 0..<30 {
                let request = AgentRunRequest(
                    agent: "paged", correlationID: "pages", idempotencyKey: try IdempotencyKey("paged-\(index)"))
                var record = RunRecord(
                    id: ids.next(at: now), request: request, status: statuses[index % statuses.count], queuedAt: now)
                if record.status.isTerminal { record.endedAt = now }
                try await store.insertRun(record)
                stored.append(record)
            }
            try await connection.execute("ANALYZE \(schema).runs")
            let before = try await connection.runReads(schema: schema)

            let queries = [
                RunQuery(agent: "paged", limit: 10),
                RunQuery(statuses: [.failed], limit: 10),
                RunQuery(statuses: [.running, .queued], limit: 10),
                RunQuery(statuses: [.awaitingApproval, .timedOut], limit: 10),
                RunQuery(idempotencyKey: try IdempotencyKey("paged-7"), limit: 10),
                RunQuery(queuedSince: now.addingTimeInterval(-3_600), limit: 10),
            ]
            var returned = 0
            for query in queries {
                var cursor: RunCursor?
                var seen: [RunID] = []
                repeat {
                    var paged = query
                    paged.cursor = cursor
                    let page = try await store.queryRuns(paged)
                    seen += page.records.map(\.id)
                    cursor = page.nextCursor
                } while cursor != nil
                returned += seen.count
                #expect(
                    seen == stored.filter { query.matches($0) }.map(\.id).sorted { $0.rawValue > $1.rawValue },
                    "\(query) paged \(seen.count) runs")
            }
            // Closing ends the store's server session, which publishes its table statistics.
            store.close()

            // The session publishes its statistics at most once a second while it lives, and the rest as it ends:
            // they are complete once they include every row returned and stopped changing.
            var after = before
            var unchangedSince = ContinuousClock.now
            try await poll("the server to publish the statistics of the store's session", seconds: 15) {
                let current = try await connection.runReads(schema: schema)
                if current != after { (after, unchangedSince) = (current, ContinuousClock.now) }
                return after.indexFetched - before.indexFetched >= Int64(returned)
                    && unchangedSince.duration(to: .now) > .seconds(1)
            }
            let read = after.indexFetched - before.indexFetched + after.scanned - before.scanned
            // A page reads at most its size plus one from each of its two parts (22 rows for pages of 10), and a
            // query makes at most one page more than its runs fill: the bound is above that, far below the filler.
            #expect(
                read <= Int64(returned * 3 + queries.count * 30),
                "the pages returned \(returned) runs but read \(read) rows of `runs` (\(filler) filler rows)")
        }
    }
}
