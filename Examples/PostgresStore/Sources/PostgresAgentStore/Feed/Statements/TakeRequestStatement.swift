import AgentCore
import PostgresNIO

/// Takes a control request while it is pending (the transition of `ControlRequest.taken(by:at:)`, on the database's
/// clock, or the injected now; the `taken_at` column keeps it to the microsecond) and appends its change to the feed.
/// The row's lock decides between concurrent takers, so exactly one gets a row: the taken request's JSON.
struct TakeRequestStatement: PostgresPreparedStatement {
    typealias Row = (body: String, announced: Int64)

    static let sql = """
        WITH clock AS (\(StatementSQL.clock(parameter: 3))),
        taken AS (
            UPDATE requests SET state = 'taken', taken_by = $2, taken_at = clock.exact,
                body = body || jsonb_build_object(
                    'state', 'taken', 'takenBy', $2::text, 'takenAt', \(StatementSQL.requestDate("clock.now")))
            FROM clock
            WHERE id = $1 AND state = 'pending'
            RETURNING id, body
        ), \(StatementSQL.feedAppend(
            from: "taken", body: "jsonb_build_object('kind', 'request', 'request', taken.body)", order: "taken.id"))
        SELECT taken.body::text, (SELECT count(*) FROM feed_notice) FROM taken
        """

    static let bindingDataTypes: [PostgresDataType] = [.text, .text, .int8]

    /// The request's id.
    let id: String
    /// The runner taking it.
    let owner: String
    /// The injected clock's now in milliseconds, or `nil` for the database's.
    let injectedNow: Int64?

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(id)
        bindings.append(owner)
        bindings.append(injectedNow)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        try StatementRow.decode(row, as: (String, Int64).self)
    }
}
