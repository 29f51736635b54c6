import AgentCore
import Foundation
import PostgresNIO

extension PostgresAgentStore {
    /// What one ``pruneHistory(batchSize:)`` removed.
    public struct PruneReport: Sendable, Hashable {
        /// Finished runs removed.
        public var runs: Int
        /// Change-feed entries removed.
        public var changes: Int
        /// Completed control requests removed.
        public var requests: Int
    }

    /// Applies ``Options/retention`` to the run history, in batches of `batchSize` rows, each its own short
    /// transaction that skips rows other transactions hold (no long locks). Only finished runs are removed, oldest
    /// first; before a run goes, the claim ledger remembers it (the newest removed run of each status per agent and
    /// key), so its idempotency key keeps deciding claims and an old fire never becomes runnable again. Change-feed
    /// entries older than ``Options/changeRetention`` and completed requests older than the retention's age (or the
    /// change retention) are removed too.
    /// - Parameter batchSize: Rows per transaction.
    /// - Returns: What was removed.
    /// - Throws: ``StoreError`` when the database cannot be written.
    @discardableResult
    public func pruneHistory(batchSize: Int = 1_000) async throws -> PruneReport {
        let batch = Int64(max(1, batchSize))
        var report = PruneReport(runs: 0, changes: 0, requests: 0)
        let finished = StatementSQL.endedRuns
        if let age = options.retention.maximumAge {
            report.runs += try await pruneRuns(
                batch: batch,
                victims: """
                    SELECT id FROM \(table("runs")) WHERE \(finished)
                        AND queued_at < \(table("ts"))(\(table("now_ms"))($1) - $2)
                    ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED
                    """, parameters: [injectedNow, age.wholeMilliseconds, batch])
        }
        if let perAgent = options.retention.maximumRunsPerAgent {
            report.runs += try await pruneRuns(
                batch: batch,
                victims: """
                    SELECT id FROM (
                        SELECT id, status, row_number() OVER (PARTITION BY agent ORDER BY id DESC) AS rank
                        FROM \(table("runs"))
                    ) AS ranked WHERE rank > $1 AND \(finished)
                    ORDER BY id LIMIT $2
                    """, parameters: [Int64(perAgent), batch])
        }
        let changeAge = options.changeRetention.wholeMilliseconds
        report.changes = try await deleteInBatches(
            table: "changes", key: "sequence", olderThan: changeAge, column: "recorded_at", condition: "true",
            batch: batch)
        report.requests = try await deleteInBatches(
            table: "requests", key: "id", olderThan: options.retention.maximumAge?.wholeMilliseconds ?? changeAge,
            column: "completed_at", condition: "state = 'completed'", batch: batch)
        return report
    }

    /// Deletes the rows of `table` whose `column` is older than `age` milliseconds (and that meet `condition`), in
    /// batches of `batch` rows by `key`.
    /// - Returns: How many rows were deleted.
    private func deleteInBatches(
        table name: String, key: String, olderThan age: Int64, column: String, condition: String, batch: Int64
    ) async throws -> Int {
        var deleted = 0
        while true {
            let rows = try await database.rows(
                """
                WITH victims AS (
                    SELECT \(unescaped: key) FROM \(unescaped: table(name))
                    WHERE \(unescaped: condition)
                        AND \(unescaped: column) < \(unescaped: table("ts"))(\(unescaped: table("now_ms"))(\(injectedNow)) - \(age))
                    ORDER BY \(unescaped: key) LIMIT \(batch)
                )
                DELETE FROM \(unescaped: table(name)) AS target USING victims
                WHERE target.\(unescaped: key) = victims.\(unescaped: key)
                RETURNING 1
                """)
            deleted += rows.count
            if rows.count < batch { return deleted }
        }
    }

    /// Removes runs in batches: `victims` is a query of at most `batch` run ids using `parameters` as `$1`, `$2`, ….
    /// Each batch records the newest removed run per agent, key and status in the claim ledger, as its record's text.
    private func pruneRuns(batch: Int64, victims: String, parameters: [Int64?]) async throws -> Int {
        var removed = 0
        while true {
            var bindings = PostgresBindings()
            for parameter in parameters {
                if let parameter { bindings.append(parameter) } else { bindings.appendNull() }
            }
            let sql = """
                WITH victims AS (\(victims)),
                removed AS (
                    DELETE FROM \(table("runs")) AS run USING victims WHERE run.id = victims.id
                    RETURNING run.id, run.agent, run.idempotency_key, run.status, run.record
                ),
                newest AS (
                    SELECT DISTINCT ON (agent, idempotency_key, status) agent, idempotency_key, status, record
                    FROM removed ORDER BY agent, idempotency_key, status, id DESC
                ),
                ledger AS (
                    INSERT INTO \(table("run_keys")) AS ledger (agent, idempotency_key, retired)
                    SELECT agent, idempotency_key, jsonb_object_agg(status, record::text) FROM newest
                    GROUP BY agent, idempotency_key
                    ON CONFLICT (agent, idempotency_key) DO UPDATE SET retired = ledger.retired || excluded.retired
                )
                SELECT count(*) FROM removed
                """
            let rows = try await database.rows(PostgresQuery(unsafeSQL: sql, binds: bindings))
            let counted: Int64? = try decode(rows.first, as: Int64.self)
            let count = Int(counted ?? 0)
            removed += count
            if count < batch { return removed }
        }
    }
}
