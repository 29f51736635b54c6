/// Decoding helpers that reject unknown keys, so a typo in a configuration file is an error with a path
/// rather than a silently ignored setting.
enum StrictCodingKeys {
    /// A coding key for any string.
    struct Key: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Throws a `DecodingError` at the first key of the decoder's object that is not in `allowed`.
    /// - Parameters:
    ///   - decoder: The decoder positioned at an object.
    ///   - allowed: The keys the type understands.
    ///   - type: The type's name for the message.
    static func rejectUnknownKeys(in decoder: any Decoder, allowed: [String], type: String) throws {
        let container = try decoder.container(keyedBy: Key.self)
        let known = Set(allowed)
        for key in container.allKeys.sorted(by: { $0.stringValue < $1.stringValue })
        where !known.contains(key.stringValue) {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: decoder.codingPath + [key],
                    debugDescription:
                        "unknown key \"\(key.stringValue)\" in \(type); known keys: \(allowed.sorted().joined(separator: ", "))"
                ))
        }
    }
}
