import AgentCore
import PostgresNIO

/// The claim of runs whose agent and idempotency key may never have been claimed: the claim ledger's rows are
/// upserted (in key order, so batches of several processes never deadlock), and the runs whose row this statement
/// created are inserted with a lease of the database's now + their lease length, which is appended to each record's
/// text as its `leaseExpiresAt`. A row per claim: its run id, whether its key was new, whether its run was inserted
/// (not when the run id exists), and the now used.
///
/// Whether a run was inserted is a lookup in the inserted ids (`IN`, a hashed subplan): a join with that CTE would be
/// a nested loop over the batch, quadratic in its size.
struct ClaimNewKeysStatement: PostgresPreparedStatement {
    typealias Row = (id: String, fresh: Bool, inserted: Bool, now: Int64)

    static let sql = """
        WITH input AS (
            \(StatementSQL.runInput(fields: 1, records: 3))
        ), clock AS (
            SELECT \(StatementSQL.now(parameter: 2)) AS now
        ), locked AS (
            INSERT INTO run_keys AS ledger (agent, idempotency_key, claims)
            SELECT input.agent, input.key, 1 FROM input ORDER BY input.agent, input.key
            ON CONFLICT (agent, idempotency_key) DO UPDATE SET claims = ledger.claims + 1
            RETURNING ledger.agent, ledger.idempotency_key, ledger.claims = 1 AND ledger.retired = '{}' AS fresh
        ), added AS (
            INSERT INTO runs
                (id, agent, idempotency_key, status, queued_at, ended_at, lease_owner, lease_expires_at, notified_at,
                 record)
            SELECT input.id, input.agent, input.key, input.status, \(StatementSQL.timestamp("input.queued")),
                \(StatementSQL.timestamp("input.ended")), input.owner,
                \(StatementSQL.timestamp("clock.now + input.lease")), \(StatementSQL.timestamp("input.notified")),
                \(StatementSQL.appending("leaseExpiresAt", milliseconds: "clock.now + input.lease", to: "input.record"))
            FROM input
            JOIN locked ON locked.agent = input.agent AND locked.idempotency_key = input.key AND locked.fresh
            CROSS JOIN clock
            ON CONFLICT (id) DO NOTHING
            RETURNING id
        )
        SELECT input.id, locked.fresh, input.id IN (SELECT added.id FROM added), clock.now
        FROM input
        JOIN locked ON locked.agent = input.agent AND locked.idempotency_key = input.key
        CROSS JOIN clock
        """

    static let bindingDataTypes: [PostgresDataType] = [.text, .int8, .textArray]

    /// The claimed runs as ``RunRow/json(_:)`` writes them, each with its lease length.
    let input: String
    /// The injected clock's now in milliseconds, or `nil` for the database's.
    let injectedNow: Int64?
    /// The claimed runs' records as ``RunRow/records(_:)`` lists them: JSON objects without `leaseExpiresAt`.
    let records: [String]

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(input)
        bindings.append(injectedNow)
        bindings.append(records)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        try StatementRow.decode(row, as: (String, Bool, Bool, Int64).self)
    }
}
