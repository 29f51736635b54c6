import AgentCore
import Foundation
import PostgresNIO

/// A run record as the `runs.record` column holds it: the record's own JSON encoding.
enum RunRecordCodec {
    /// The JSON text of a record.
    /// - Parameter record: The record.
    /// - Returns: Its JSON.
    /// - Throws: ``StoreError`` with ``StoreError/Code/invalidRecord`` when it cannot be encoded.
    static func json(_ record: RunRecord) throws -> String {
        do {
            return String(decoding: try JSONEncoder().encode(record), as: UTF8.self)
        } catch {
            throw StoreError(.invalidRecord, "run \(record.id) cannot be encoded: \(error)")
        }
    }

    /// The record of a stored JSON text.
    /// - Parameter text: The JSON.
    /// - Returns: The record.
    /// - Throws: ``StoreError`` with ``StoreError/Code/corruptData`` (or a newer record schema).
    static func record(_ text: String) throws -> RunRecord {
        do {
            return try JSONDecoder().decode(RunRecord.self, from: Data(text.utf8))
        } catch {
            throw StoreError(.corruptData, "a stored run record cannot be read: \(error)")
        }
    }
}
