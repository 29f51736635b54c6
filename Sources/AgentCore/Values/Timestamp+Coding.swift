import Foundation

extension Timestamp {
    /// Writes a date as its ISO-8601 text (``format(_:)``): `encoder.dateEncodingStrategy = .custom(Timestamp.encode)`.
    /// - Parameters:
    ///   - date: The date.
    ///   - encoder: The encoder of the value.
    /// - Throws: `EncodingError` from the encoder.
    public static func encode(_ date: Date, to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(format(date))
    }

    /// Reads a date from its ISO-8601 text (``parse(_:)``): `decoder.dateDecodingStrategy = .custom(Timestamp.decode)`.
    /// - Parameter decoder: The decoder of the value.
    /// - Returns: The date.
    /// - Throws: `DecodingError` when the value is not such a timestamp.
    public static func decode(from decoder: any Decoder) throws -> Date {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = parse(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "\"\(text)\" is not an ISO-8601 timestamp")
        }
        return date
    }
}
