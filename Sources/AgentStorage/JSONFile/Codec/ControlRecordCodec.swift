import AgentCore
import Foundation

/// Writes and reads the rare records of the journal that are not runs (control requests, runner presences) with
/// `JSONEncoder` and `JSONDecoder`, timestamps as the store's ISO-8601 strings.
///
/// These lines are written a few times a minute at most, so they use Foundation's coders rather than the
/// hand-written fast path of ``RunRecordCodec``. The output is one line: `JSONEncoder` escapes line feeds inside
/// strings and writes no whitespace.
enum ControlRecordCodec {
    /// Appends a value as a compact JSON object with sorted keys.
    /// - Parameters:
    ///   - value: The value.
    ///   - writer: Where to append it.
    /// - Throws: ``StoreError`` with `invalidRecord` when the value cannot be encoded.
    static func encode(_ value: some Encodable, into writer: inout JSONByteWriter) throws(StoreError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom(Timestamp.encode)
        do {
            writer.raw(try encoder.encode(value))
        } catch {
            throw StoreError(.invalidRecord, "a \(type(of: value)) could not be written as JSON: \(error)")
        }
    }

    /// Reads the JSON value at the scanner's position as a `T`, moving the scanner past it.
    /// - Parameters:
    ///   - type: The type to decode.
    ///   - scanner: The scanner, at the value.
    /// - Returns: The value.
    /// - Throws: ``JSONScanError`` when the bytes are not JSON or not a `T`.
    static func decode<T: Decodable>(_ type: T.Type, from scanner: inout JSONScanner) throws(JSONScanError) -> T {
        scanner.skipWhitespace()
        let start = scanner.position
        try scanner.skipValue()
        let bytes = Data(UnsafeBufferPointer(rebasing: scanner.bytes[start..<scanner.position]))
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom(Timestamp.decode)
        do {
            return try decoder.decode(T.self, from: bytes)
        } catch {
            throw JSONScanError(offset: start, message: "not a valid \(T.self): \(Self.describe(error))")
        }
    }

    /// A short description of a decoding error: what is wrong and where.
    private static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        switch error {
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])) is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.isEmpty ? "the value" : keys.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
}
