import PostgresNIO

/// Reads the database's clock to the microsecond, as seconds since 1970; prepared, so that the floor's reaction
/// statement is as cheap to start as the store's own take.
struct ClockReadingStatement: PostgresPreparedStatement {
    typealias Row = Double

    static let sql = "SELECT extract(epoch FROM clock_timestamp())::float8"
    static let bindingDataTypes: [PostgresDataType] = []

    func makeBindings() throws -> PostgresBindings { PostgresBindings() }

    func decodeRow(_ row: PostgresRow) throws -> Double { try row.decode(Double.self) }
}
