import Foundation

/// The identifier of one run: 26 Crockford base-32 characters that sort by creation time.
///
/// The first 10 characters encode the creation time in milliseconds since the Unix epoch; the remaining
/// 16 encode 80 bits that are random per millisecond and incremented for every further identifier created
/// in the same millisecond by the same ``RunIDGenerator``. Sorting identifiers as strings therefore sorts
/// runs by creation time (the layout of a ULID).
public struct RunID: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    static let alphabet: [UInt8] = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    /// The 26-character text of the identifier.
    public let rawValue: String

    /// Parses an identifier.
    /// - Parameter rawValue: 26 characters of the Crockford base-32 alphabet (upper case).
    /// - Throws: ``RunIDError`` when the text is not such an identifier.
    public init(_ rawValue: String) throws(RunIDError) {
        let bytes = Array(rawValue.utf8)
        guard bytes.count == 26, bytes.allSatisfy({ Self.alphabet.contains($0) }), bytes[0] <= 0x37 else {
            throw RunIDError(text: rawValue)
        }
        self.rawValue = rawValue
    }

    init(milliseconds: UInt64, random: (high: UInt16, low: UInt64)) {
        var bytes = [UInt8](repeating: 0, count: 26)
        var time = milliseconds
        for index in stride(from: 9, through: 0, by: -1) {
            bytes[index] = Self.alphabet[Int(time & 31)]
            time >>= 5
        }
        var low = random.low
        var high = UInt64(random.high)
        for index in stride(from: 25, through: 10, by: -1) {
            bytes[index] = Self.alphabet[Int(low & 31)]
            low = (low >> 5) | ((high & 31) << 59)
            high >>= 5
        }
        self.rawValue = String(decoding: bytes, as: UTF8.self)
    }

    /// The creation time encoded in the identifier, to the millisecond.
    public var timestamp: Date {
        var milliseconds: UInt64 = 0
        for byte in rawValue.utf8.prefix(10) {
            milliseconds = milliseconds << 5 | UInt64(Self.alphabet.firstIndex(of: byte) ?? 0)
        }
        return Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    /// The identifier's text.
    public var description: String { rawValue }

    /// Orders identifiers by creation time, then by their random part.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Decodes and validates an identifier.
    /// - Throws: `DecodingError.dataCorrupted` when the stored text is not an identifier.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try RunID(text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    /// Encodes the identifier's text.
    /// - Throws: Whatever the encoder throws.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// Text that is not a ``RunID``.
public struct RunIDError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The rejected text.
    public let text: String

    /// `"abc" is not a run id: expected 26 characters of 0-9 and A-Z without I, L, O, U`
    public var description: String {
        "\"\(text)\" is not a run id: expected 26 characters of 0-9 and A-Z without I, L, O, U"
    }
}
