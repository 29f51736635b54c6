import AgentCore

/// A ``RunID`` as the 128-bit number its 26 Crockford base-32 characters spell: 16 bytes instead of a
/// heap-allocated string, ordered exactly like the text, with the creation time in the top 48 bits.
struct PackedRunID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The top 64 bits (creation time in the top 48 of them).
    var high: UInt64
    /// The bottom 64 bits.
    var low: UInt64

    private static let alphabet: [UInt8] = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(value) }
        return table
    }()

    /// Creates a value from its parts.
    init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Packs 26 characters of run-id text; `nil` when they are not a run id.
    init?(_ text: UnsafeBufferPointer<UInt8>) {
        guard text.count == 26 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for (index, byte) in text.enumerated() {
            let value = Self.values[Int(byte)]
            guard value != 0xFF, index > 0 || value <= 7 else { return nil }
            let bits = index == 0 ? 3 : 5
            high = high << bits | low >> (64 - bits)
            low = low << bits | UInt64(value)
        }
        self.init(high: high, low: low)
    }

    /// Packs a validated run id.
    init(_ id: RunID) {
        var text = id.rawValue
        // A RunID always holds 26 valid characters, so packing cannot fail.
        self = text.withUTF8 { PackedRunID($0) } ?? PackedRunID(high: 0, low: 0)
    }

    /// The smallest id created at `milliseconds` (clamped to the 48 bits an id holds).
    init(milliseconds: Int64) {
        let clamped = UInt64(max(0, min(milliseconds, (1 << 48) - 1)))
        self.init(high: clamped << 16, low: 0)
    }

    /// The creation time in milliseconds since the epoch.
    var milliseconds: Int64 { Int64(high >> 16) }

    /// The run id.
    var runID: RunID {
        var bytes = [UInt8](repeating: 0, count: 26)
        var high = self.high
        var low = self.low
        for index in stride(from: 25, through: 0, by: -1) {
            let bits = index == 0 ? 3 : 5
            bytes[index] = Self.alphabet[Int(low & ((1 << bits) - 1))]
            low = low >> bits | high << (64 - bits)
            high >>= bits
        }
        // The characters come from the alphabet and the first is at most "7", so the text is a run id.
        return (try? RunID(String(decoding: bytes, as: UTF8.self))) ?? RunID.placeholder
    }

    /// The id's text.
    var description: String { runID.rawValue }

    /// Orders like the ids' text.
    static func < (lhs: Self, rhs: Self) -> Bool {
        lhs.high != rhs.high ? lhs.high < rhs.high : lhs.low < rhs.low
    }
}

extension RunID {
    /// A valid id used only where the type system needs a value that can never be reached.
    fileprivate static let placeholder: RunID = {
        do { return try RunID("00000000000000000000000000") } catch { preconditionFailure("\(error)") }
    }()
}
