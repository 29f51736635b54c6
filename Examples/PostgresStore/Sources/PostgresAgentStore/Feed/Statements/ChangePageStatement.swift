import AgentCore
import PostgresNIO

/// A page of the change feed after a sequence number, with the feed's bounds, in one snapshot: a row per change
/// (oldest first), or one row without a change when the page is empty; every row carries the newest sequence number
/// and the oldest one still kept.
struct ChangePageStatement: PostgresPreparedStatement {
    typealias Row = (last: Int64, oldest: Int64?, sequence: Int64?, body: String?)

    static let sql = """
        SELECT counter.last, (SELECT min(sequence) FROM changes), page.sequence, page.body::text
        FROM change_counter AS counter
        LEFT JOIN LATERAL (
            SELECT sequence, body FROM changes WHERE sequence > $1 ORDER BY sequence LIMIT $2
        ) AS page ON true
        WHERE counter.id = 1
        ORDER BY page.sequence
        """

    static let bindingDataTypes: [PostgresDataType] = [.int8, .int8]

    /// The last sequence number read.
    let after: Int64
    /// The most changes to return.
    let limit: Int64

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(after)
        bindings.append(limit)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        try StatementRow.decode(row, as: (Int64, Int64?, Int64?, String?).self)
    }
}
