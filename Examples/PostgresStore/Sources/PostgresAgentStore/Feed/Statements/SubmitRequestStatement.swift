import AgentCore
import PostgresNIO

/// Stores a pending control request with `requestedAt` set to the database's now (or the injected now; the
/// `requested_at` column keeps it to the microsecond) and appends its change to the feed, announced at the commit.
/// Prepared once per connection, so a submit costs no parsing or planning. A row when the request was stored: its JSON
/// as stored; none when its id is taken.
struct SubmitRequestStatement: PostgresPreparedStatement {
    typealias Row = (body: String, announced: Int64)

    static let sql = """
        WITH clock AS (\(StatementSQL.clock(parameter: 4))),
        added AS (
            INSERT INTO requests (id, state, requested_by, requested_at, body)
            SELECT $1, 'pending', $2, clock.exact,
                jsonb_set($3::jsonb, '{requestedAt}', \(StatementSQL.requestDate("clock.now")))
            FROM clock
            ON CONFLICT (id) DO NOTHING
            RETURNING id, body
        ), \(StatementSQL.feedAppend(
            from: "added", body: "jsonb_build_object('kind', 'request', 'request', added.body)", order: "added.id"))
        SELECT added.body::text, (SELECT count(*) FROM feed_notice) FROM added
        """

    static let bindingDataTypes: [PostgresDataType] = [.text, .text, .text, .int8]

    /// The request's id.
    let id: String
    /// Who made the request.
    let requestedBy: String
    /// The pending request's JSON.
    let body: String
    /// The injected clock's now in milliseconds, or `nil` for the database's.
    let injectedNow: Int64?

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(id)
        bindings.append(requestedBy)
        bindings.append(body)
        bindings.append(injectedNow)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        try StatementRow.decode(row, as: (String, Int64).self)
    }
}
