import Foundation

/// The identifier of one run: 26 Crockford base-32 characters that sort by creation time.
///
/// The first 10 characters encode the creation time in milliseconds since the Unix epoch; the remaining
/// 16 encode 80 bits that are random per millisecond and incremented for every further identifier created
/// in the same millisecond by the same ``RunIDGenerator``. Sorting identifiers as strings therefore sorts
/// runs by creation time (the layout of a ULID).
///
/// An identifier is held as the 128-bit number its characters spell (the first character is at most `7`, so
/// 3 + 25 × 5 = 128 bits): 16 bytes, no heap allocation, and hashing and ordering on two integers, which keeps
/// stores that index millions of runs fast. ``rawValue`` spells the text when it is needed.
public struct RunID: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    private static let alphabet: [UInt8] = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)
    private static let digitValues: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(value) }
        return table
    }()

    /// The top 64 bits: the creation time in milliseconds in the top 48, then the first 16 random bits.
    package let high: UInt64
    /// The bottom 64 random bits.
    package let low: UInt64

    /// Parses an identifier.
    /// - Parameter rawValue: 26 characters of the Crockford base-32 alphabet (upper case).
    /// - Throws: ``RunIDError`` when the text is not such an identifier.
    public init(_ rawValue: String) throws(RunIDError) {
        var text = rawValue
        guard let parsed = text.withUTF8({ RunID(utf8: $0) }) else { throw RunIDError(text: rawValue) }
        self = parsed
    }

    /// Creates an identifier from its 128-bit value.
    /// - Parameters:
    ///   - high: The top 64 bits.
    ///   - low: The bottom 64 bits.
    package init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Parses 26 characters of identifier text; `nil` when they are not an identifier.
    /// - Parameter text: The UTF-8 bytes.
    package init?(utf8 text: UnsafeBufferPointer<UInt8>) {
        guard text.count == 26 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for (index, byte) in text.enumerated() {
            let value = Self.digitValues[Int(byte)]
            guard value != 0xFF, index > 0 || value <= 7 else { return nil }
            let bits: UInt64 = index == 0 ? 3 : 5
            high = high << bits | low >> (64 - bits)
            low = low << bits | UInt64(value)
        }
        self.init(high: high, low: low)
    }

    /// The smallest identifier created at `milliseconds` since the epoch (clamped to the 48 bits an
    /// identifier holds): a bound for range queries by time.
    /// - Parameter milliseconds: The creation time.
    package init(earliestAt milliseconds: Int64) {
        let clamped = UInt64(max(0, min(milliseconds, (1 << 48) - 1)))
        self.init(high: clamped << 16, low: 0)
    }

    init(milliseconds: UInt64, random: (high: UInt16, low: UInt64)) {
        self.init(high: milliseconds << 16 | UInt64(random.high), low: random.low)
    }

    /// The creation time in milliseconds since the epoch.
    package var milliseconds: Int64 { Int64(high >> 16) }

    /// The 26-character text of the identifier.
    public var rawValue: String {
        String(unsafeUninitializedCapacity: 26) { buffer in
            var high = self.high
            var low = self.low
            for index in stride(from: 25, through: 0, by: -1) {
                let bits: UInt64 = index == 0 ? 3 : 5
                buffer[index] = Self.alphabet[Int(low & ((1 << bits) - 1))]
                low = low >> bits | high << (64 - bits)
                high >>= bits
            }
            return 26
        }
    }

    /// The creation time encoded in the identifier, to the millisecond.
    public var timestamp: Date { Date(timeIntervalSince1970: Double(milliseconds) / 1000) }

    /// The identifier's text.
    public var description: String { rawValue }

    /// Orders identifiers by creation time, then by their random part (the order of their text).
    public static func < (lhs: Self, rhs: Self) -> Bool {
        lhs.high != rhs.high ? lhs.high < rhs.high : lhs.low < rhs.low
    }

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
