import AgentCore
import PostgresNIO

/// Sets `notifiedAt` to the database's now (or the injected now) on the ended runs among the ids that have none. A
/// row per run it marked: its id and record.
///
/// The record's text gets `notifiedAt` appended (``StatementSQL/appending(_:milliseconds:to:)``): a run whose
/// `notified_at` is `NULL` has none in its record, both being written from the same record.
struct MarkNotifiedStatement: PostgresPreparedStatement {
    typealias Row = (id: String, record: String)

    static let sql = """
        WITH clock AS (SELECT \(StatementSQL.now(parameter: 2)) AS now)
        UPDATE runs SET
            notified_at = \(StatementSQL.timestamp("clock.now")),
            record = \(StatementSQL.appending("notifiedAt", milliseconds: "clock.now", to: "record::text"))
        FROM clock
        WHERE id = ANY($1::text[]) AND notified_at IS NULL AND status NOT IN ('queued', 'running', 'awaitingApproval')
        RETURNING id, record::text
        """

    static let bindingDataTypes: [PostgresDataType] = [.textArray, .int8]

    /// The run ids.
    let ids: [String]
    /// The injected clock's now in milliseconds, or `nil` for the database's.
    let injectedNow: Int64?

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(ids)
        bindings.append(injectedNow)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        try StatementRow.decode(row, as: (String, String).self)
    }
}
