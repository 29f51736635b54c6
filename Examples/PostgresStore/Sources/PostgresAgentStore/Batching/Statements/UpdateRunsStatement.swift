import AgentCore
import PostgresNIO

/// The update of runs: each row is locked and replaced when its agent and key are unchanged and it has not ended (or
/// ends again the same way); the runs that end here get their `runEnded` change in the same statement. A row per
/// update: its run id, the stored agent, key and status before (`NULL` for an unknown run), whether it was
/// replaced, and whether changes were announced.
///
/// The update returns each replaced run's status before and after, so the runs that end are read from it alone: a
/// join of its rows back to the input would be a nested loop over the batch, quadratic in its size.
struct UpdateRunsStatement: PostgresPreparedStatement {
    typealias Row = (id: String, agent: String?, key: String?, status: String?, replaced: Bool, announced: Int64)

    static let sql = """
        WITH input AS (
            \(StatementSQL.runInput(fields: 1, records: 2))
        ), old AS (
            SELECT run.id, run.agent, run.idempotency_key, run.status FROM runs AS run
            WHERE run.id IN (SELECT input.id FROM input)
            ORDER BY run.id
            FOR UPDATE
        ), changed AS (
            UPDATE runs AS run SET
                status = input.status,
                queued_at = \(StatementSQL.timestamp("input.queued")),
                ended_at = \(StatementSQL.timestamp("input.ended")),
                lease_owner = input.owner,
                lease_expires_at = \(StatementSQL.timestamp("input.expires")),
                notified_at = \(StatementSQL.timestamp("input.notified")),
                record = input.record::json
            FROM input JOIN old ON old.id = input.id
            WHERE run.id = input.id AND old.agent = input.agent AND old.idempotency_key = input.key
                AND (old.status <> ALL(\(StatementSQL.terminalStatuses)) OR old.status = input.status)
            RETURNING run.id, run.agent, input.status, old.status AS previous_status
        ), ended AS (
            SELECT changed.id, changed.agent, changed.status FROM changed
            WHERE changed.status = ANY(\(StatementSQL.terminalStatuses))
                AND changed.previous_status <> ALL(\(StatementSQL.terminalStatuses))
        ), \(StatementSQL.feedAppend(
            from: "ended",
            body: "jsonb_build_object('kind', 'runEnded', 'id', ended.id, 'agent', ended.agent, 'status', ended.status)",
            order: "ended.id", announcing: .sequence))
        SELECT input.id, old.agent, old.idempotency_key, old.status, changed.id IS NOT NULL,
            (SELECT count(*) FROM feed_notice)
        FROM input LEFT JOIN old ON old.id = input.id LEFT JOIN changed ON changed.id = input.id
        """

    static let bindingDataTypes: [PostgresDataType] = [.text, .textArray]

    /// The new versions of the runs as ``RunRow/json(_:)`` writes them.
    let input: String
    /// Their records as ``RunRow/records(_:)`` lists them.
    let records: [String]

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(input)
        bindings.append(records)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        try StatementRow.decode(row, as: (String, String?, String?, String?, Bool, Int64).self)
    }
}
