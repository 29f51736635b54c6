import AgentCore
import Foundation

/// Plan runs, approval requests and schedule overrides as their JSON columns hold them: their own JSON encoding with timestamps as the
/// records' ISO-8601 text (`2026-01-01T08:30:00.250Z`, the `iso()` function of the schema), so SQL can set a time in
/// a body and `psql` shows it readably. Stored times are whole milliseconds, so they read back exactly.
enum WorkflowRecordCodec {
    /// The JSON text of a record.
    /// - Parameter value: The record.
    /// - Returns: Its JSON.
    /// - Throws: ``StoreError`` with ``StoreError/Code/invalidRecord`` when it cannot be encoded.
    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom(Timestamp.encode)
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch {
            throw StoreError(.invalidRecord, "a \(type(of: value)) cannot be encoded: \(error)")
        }
    }

    /// The record of a stored JSON text.
    /// - Parameters:
    ///   - type: The record type.
    ///   - text: The JSON.
    /// - Returns: The record.
    /// - Throws: ``StoreError`` with ``StoreError/Code/corruptData`` (or a newer record schema).
    static func record<Record: Decodable>(_ type: Record.Type, _ text: String) throws -> Record {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom(Timestamp.decode)
        do {
            return try decoder.decode(type, from: Data(text.utf8))
        } catch {
            throw StoreError(.corruptData, "a stored \(type) cannot be read: \(error)")
        }
    }
}
