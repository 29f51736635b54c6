import AgentCore
import Foundation

/// Run records as JSON text, written and read by hand instead of through Foundation's coders: the JSON-file
/// store's own codec, public for stores that keep records as JSON elsewhere (the PostgreSQL store keeps each
/// record in a `json` column).
///
/// Reading a page of 50 records this way takes a fraction of what `JSONDecoder` needs (about 35 µs a record);
/// the text is the shape `RunRecord.encode(to:)` produces, so `JSONDecoder` and `jq` read it too.
public enum RunRecordJSON {
    /// Writes a record as one compact JSON object.
    /// - Parameter record: The record.
    /// - Returns: The JSON text.
    /// - Throws: ``StoreError`` with ``StoreError/Code/invalidRecord`` for a record that cannot be stored (a
    ///   parameter that is not a finite number, or a schema version this library does not write).
    public static func text(_ record: RunRecord) throws(StoreError) -> String {
        var writer = JSONByteWriter()
        try RunRecordCodec.encode(record, into: &writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// Reads a record from JSON text: one object whose members come in any order with any whitespace between
    /// them (as PostgreSQL prints `jsonb`); members it does not know are skipped, as `JSONDecoder` skips them.
    /// - Parameter text: The JSON text.
    /// - Returns: The record.
    /// - Throws: ``StoreError`` with ``StoreError/Code/unsupportedFormatVersion`` for a record written by a newer
    ///   library, or ``StoreError/Code/corruptData`` naming the byte offset and what is wrong there.
    public static func record(_ text: String) throws(StoreError) -> RunRecord {
        let result: Result<RunRecord, JSONScanError> =
            text.utf8.withContiguousStorageIfAvailable(decode) ?? Array(text.utf8).withUnsafeBufferPointer(decode)
        switch result {
        case .success(let record):
            return record
        case .failure(let error) where error.unsupportedVersion != nil:
            throw StoreError(.unsupportedFormatVersion, "a run record cannot be read: \(error)")
        case .failure(let error):
            throw StoreError(.corruptData, "a run record is not valid JSON of a run (\(error))")
        }
    }

    private static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<RunRecord, JSONScanError> {
        var scanner = JSONScanner(bytes)
        do throws(JSONScanError) {
            scanner.skipWhitespace()
            let record = try RunRecordCodec.decode(&scanner)
            scanner.skipWhitespace()
            guard scanner.position == bytes.count else { throw scanner.failure("unexpected text after the record") }
            return .success(record)
        } catch {
            return .failure(error)
        }
    }
}
