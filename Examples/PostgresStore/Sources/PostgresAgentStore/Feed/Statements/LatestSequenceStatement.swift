import AgentCore
import PostgresNIO

/// The newest sequence number of the change feed: what a follower asks before it waits. Prepared, as every follower
/// asks it before each wait.
struct LatestSequenceStatement: PostgresPreparedStatement {
    typealias Row = Int64

    static let sql = "SELECT last FROM change_counter WHERE id = 1"

    static let bindingDataTypes: [PostgresDataType] = []

    func makeBindings() throws -> PostgresBindings { PostgresBindings() }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        try StatementRow.decode(row, as: Int64.self)
    }
}
