import AgentCore
import PostgresNIO

/// Decodes the rows of the prepared statements.
enum StatementRow {
    /// Decodes one row's columns, turning a decoding failure into ``StoreError/Code/corruptData``.
    /// - Parameters:
    ///   - row: The row.
    ///   - type: The columns' types.
    /// - Returns: The columns.
    /// - Throws: ``StoreError`` with ``StoreError/Code/corruptData``.
    static func decode<each Column: PostgresDecodable>(_ row: PostgresRow, as type: (repeat each Column).Type) throws
        -> (repeat each Column)
    {
        do {
            return try row.decode(type)
        } catch {
            throw StoreError(.corruptData, "a row of a run write cannot be read: \(error)")
        }
    }
}
