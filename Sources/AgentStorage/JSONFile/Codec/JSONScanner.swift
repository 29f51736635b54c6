import AgentCore
import Foundation

/// Why a line of a store file is not the JSON it should be: the byte offset within the line, and what
/// was expected there.
struct JSONScanError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The offset from the start of the scanned bytes.
    var offset: Int
    /// What is wrong.
    var message: String
    /// Set when the bytes are well-formed but written by a newer schema or format version.
    var unsupportedVersion: Int? = nil

    /// `at byte 17: expected ':'`
    var description: String { "at byte \(offset): \(message)" }
}

/// A string found by ``JSONScanner``: where its content lies in the scanned bytes, and whether it
/// holds escapes (when it does not, its bytes are its UTF-8 text).
struct JSONStringSpan: Sendable {
    /// The offset of the first content byte (after the opening quote).
    var start: Int
    /// The offset of the closing quote.
    var end: Int
    /// Whether the content contains `\` escapes.
    var hasEscapes: Bool

    /// The number of content bytes.
    var count: Int { end - start }
}

/// A forward-only reader of JSON over a byte buffer, fast enough to open a store of a million records
/// in well under a second: it never allocates unless asked for a `String` or a ``JSONValue``.
///
/// The scanner does not own the bytes; it is only valid inside the `withUnsafeBufferPointer` call that
/// produced its buffer.
struct JSONScanner {
    /// The bytes being read.
    let bytes: UnsafeBufferPointer<UInt8>
    /// The next byte to read.
    var position: Int
    /// The deepest nesting accepted, so hostile input cannot exhaust the stack.
    static let maximumDepth = 256

    /// Creates a scanner at the start of `bytes`.
    init(_ bytes: UnsafeBufferPointer<UInt8>, position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    /// Whether only whitespace remains.
    var isAtEnd: Bool {
        mutating get {
            skipWhitespace()
            return position >= bytes.count
        }
    }

    /// A failure at the current position.
    func failure(_ message: String) -> JSONScanError { JSONScanError(offset: position, message: message) }

    /// Moves past spaces, tabs, carriage returns and line feeds.
    @inline(__always)
    mutating func skipWhitespace() {
        while position < bytes.count {
            let byte = bytes[position]
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
            position += 1
        }
    }

    /// The next non-whitespace byte, without consuming it.
    @inline(__always)
    mutating func peek() -> UInt8? {
        skipWhitespace()
        return position < bytes.count ? bytes[position] : nil
    }

    /// Consumes `byte` (after whitespace) or fails.
    @inline(__always)
    mutating func expect(_ byte: UInt8) throws(JSONScanError) {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == byte else {
            throw failure("expected '\(Character(Unicode.Scalar(byte)))'")
        }
        position += 1
    }

    /// Consumes `byte` if it comes next.
    @inline(__always)
    mutating func consume(_ byte: UInt8) -> Bool {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    // MARK: Objects and arrays

    /// Consumes the `{` of an object.
    mutating func beginObject() throws(JSONScanError) { try expect(0x7B) }

    /// Reads the next key of an object (and its `:`), or returns `nil` after consuming the closing `}`.
    /// - Parameter first: `true` before the first key; the method sets it to `false`.
    mutating func nextKey(_ first: inout Bool) throws(JSONScanError) -> JSONStringSpan? {
        skipWhitespace()
        guard position < bytes.count else { throw failure("unterminated object") }
        if bytes[position] == 0x7D {
            position += 1
            return nil
        }
        if first {
            first = false
        } else {
            guard bytes[position] == 0x2C else { throw failure("expected ',' or '}' in an object") }
            position += 1
            skipWhitespace()
        }
        let key = try scanString()
        try expect(0x3A)
        return key
    }

    /// Consumes the `[` of an array.
    mutating func beginArray() throws(JSONScanError) { try expect(0x5B) }

    /// Moves to the next element of an array, or returns `false` after consuming the closing `]`.
    /// - Parameter first: `true` before the first element; the method sets it to `false`.
    mutating func nextElement(_ first: inout Bool) throws(JSONScanError) -> Bool {
        skipWhitespace()
        guard position < bytes.count else { throw failure("unterminated array") }
        if bytes[position] == 0x5D {
            position += 1
            return false
        }
        if first {
            first = false
        } else {
            guard bytes[position] == 0x2C else { throw failure("expected ',' or ']' in an array") }
            position += 1
        }
        return true
    }

    /// Whether a key equals an ASCII name (keys without escapes only, which is what writers produce).
    @inline(__always)
    func key(_ span: JSONStringSpan, is name: StaticString) -> Bool {
        guard !span.hasEscapes, span.count == name.utf8CodeUnitCount else { return false }
        let expected = name.utf8Start
        for index in 0..<span.count where bytes[span.start + index] != expected[index] { return false }
        return true
    }

    // MARK: Strings

    /// Scans a string and returns where its content is, validating its escapes.
    mutating func scanString() throws(JSONScanError) -> JSONStringSpan {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == 0x22 else { throw failure("expected a string") }
        position += 1
        let start = position
        var escaped = false
        while position < bytes.count {
            let byte = bytes[position]
            if byte == 0x22 {
                let span = JSONStringSpan(start: start, end: position, hasEscapes: escaped)
                position += 1
                return span
            }
            if byte == 0x5C {
                escaped = true
                position += 1
                guard position < bytes.count else { break }
                switch bytes[position] {
                case 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74: position += 1
                case 0x75:
                    guard position + 4 < bytes.count else { throw failure("truncated \\u escape") }
                    for offset in 1...4 where Self.hexValue(bytes[position + offset]) == nil {
                        throw failure("invalid \\u escape")
                    }
                    position += 5
                default: throw failure("invalid escape in a string")
                }
                continue
            }
            guard byte >= 0x20 else { throw failure("unescaped control character in a string") }
            position += 1
        }
        throw failure("unterminated string")
    }

    /// Reads a string value.
    mutating func string() throws(JSONScanError) -> String {
        let span = try scanString()
        return try string(span)
    }

    /// Reads a string value or `null`.
    mutating func optionalString() throws(JSONScanError) -> String? {
        if consumeNull() { return nil }
        return try string()
    }

    /// The text of a scanned string, unescaped and checked to be valid UTF-8.
    func string(_ span: JSONStringSpan) throws(JSONScanError) -> String {
        let raw = UnsafeBufferPointer(rebasing: bytes[span.start..<span.end])
        if !span.hasEscapes {
            guard let text = String(validating: raw, as: UTF8.self) else {
                throw JSONScanError(offset: span.start, message: "a string is not valid UTF-8")
            }
            return text
        }
        var output: [UInt8] = []
        output.reserveCapacity(span.count)
        var index = span.start
        while index < span.end {
            let byte = bytes[index]
            guard byte == 0x5C else {
                output.append(byte)
                index += 1
                continue
            }
            let kind = bytes[index + 1]
            index += 2
            switch kind {
            case 0x62: output.append(0x08)
            case 0x66: output.append(0x0C)
            case 0x6E: output.append(0x0A)
            case 0x72: output.append(0x0D)
            case 0x74: output.append(0x09)
            case 0x75:
                var scalar = hex4(at: index)
                index += 4
                if (0xD800...0xDBFF).contains(scalar) {
                    guard index + 6 <= span.end, bytes[index] == 0x5C, bytes[index + 1] == 0x75 else {
                        throw JSONScanError(offset: index, message: "a lone UTF-16 surrogate in a \\u escape")
                    }
                    let low = hex4(at: index + 2)
                    guard (0xDC00...0xDFFF).contains(low) else {
                        throw JSONScanError(offset: index, message: "a lone UTF-16 surrogate in a \\u escape")
                    }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    index += 6
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    throw JSONScanError(offset: index, message: "a lone UTF-16 surrogate in a \\u escape")
                }
                guard let unicode = Unicode.Scalar(scalar) else {
                    throw JSONScanError(offset: index, message: "an invalid \\u escape")
                }
                if let encoded = UTF8.encode(unicode) { output.append(contentsOf: encoded) }
            default: output.append(kind)
            }
        }
        guard let text = String(validating: output, as: UTF8.self) else {
            throw JSONScanError(offset: span.start, message: "a string is not valid UTF-8")
        }
        return text
    }

    private func hex4(at index: Int) -> UInt32 {
        var value: UInt32 = 0
        for offset in 0..<4 { value = value << 4 | UInt32(Self.hexValue(bytes[index + offset]) ?? 0) }
        return value
    }

    @inline(__always)
    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }

    // MARK: Scalars

    /// Consumes `null` if it comes next.
    mutating func consumeNull() -> Bool {
        skipWhitespace()
        guard position + 4 <= bytes.count, bytes[position] == 0x6E, bytes[position + 1] == 0x75,
            bytes[position + 2] == 0x6C, bytes[position + 3] == 0x6C
        else { return false }
        position += 4
        return true
    }

    /// Reads `true` or `false`.
    mutating func bool() throws(JSONScanError) -> Bool {
        skipWhitespace()
        if position + 4 <= bytes.count, bytes[position] == 0x74, bytes[position + 1] == 0x72,
            bytes[position + 2] == 0x75, bytes[position + 3] == 0x65
        {
            position += 4
            return true
        }
        if position + 5 <= bytes.count, bytes[position] == 0x66, bytes[position + 1] == 0x61,
            bytes[position + 2] == 0x6C, bytes[position + 3] == 0x73, bytes[position + 4] == 0x65
        {
            position += 5
            return false
        }
        throw failure("expected true or false")
    }

    /// Reads an integer that fits in 64 bits (no fraction, no exponent).
    mutating func int64() throws(JSONScanError) -> Int64 {
        guard case .integer(let value) = try number() else { throw failure("expected a whole number") }
        return value
    }

    /// Reads a non-negative integer that fits in 64 bits.
    mutating func uint64() throws(JSONScanError) -> UInt64 {
        skipWhitespace()
        let start = position
        var value: UInt64 = 0
        while position < bytes.count, bytes[position] >= 0x30, bytes[position] <= 0x39 {
            let (times, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowB) = times.addingReportingOverflow(UInt64(bytes[position] - 0x30))
            guard !overflowA, !overflowB else { throw failure("number out of range") }
            value = sum
            position += 1
        }
        guard position > start else { throw failure("expected a whole number") }
        if position < bytes.count, [0x2E, 0x65, 0x45].contains(bytes[position]) {
            throw failure("expected a whole number")
        }
        return value
    }

    /// Reads a number as `.integer` when it is whole and fits in 64 bits, else `.double`.
    mutating func number() throws(JSONScanError) -> JSONValue {
        skipWhitespace()
        let start = position
        var negative = false
        if position < bytes.count, bytes[position] == 0x2D {
            negative = true
            position += 1
        }
        let digitsStart = position
        var magnitude: UInt64 = 0
        var overflow = false
        while position < bytes.count, bytes[position] >= 0x30, bytes[position] <= 0x39 {
            let (times, overflowA) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflowB) = times.addingReportingOverflow(UInt64(bytes[position] - 0x30))
            overflow = overflow || overflowA || overflowB
            magnitude = sum
            position += 1
        }
        let digitCount = position - digitsStart
        guard digitCount > 0 else { throw failure("expected a number") }
        if digitCount > 1, bytes[digitsStart] == 0x30 { throw failure("a number has a leading zero") }
        var isInteger = true
        if position < bytes.count, bytes[position] == 0x2E {
            isInteger = false
            position += 1
            let fractionStart = position
            while position < bytes.count, bytes[position] >= 0x30, bytes[position] <= 0x39 { position += 1 }
            guard position > fractionStart else { throw failure("a number has no digits after '.'") }
        }
        if position < bytes.count, bytes[position] == 0x65 || bytes[position] == 0x45 {
            isInteger = false
            position += 1
            if position < bytes.count, bytes[position] == 0x2B || bytes[position] == 0x2D { position += 1 }
            let exponentStart = position
            while position < bytes.count, bytes[position] >= 0x30, bytes[position] <= 0x39 { position += 1 }
            guard position > exponentStart else { throw failure("a number has no digits in its exponent") }
        }
        if isInteger, !overflow {
            if negative, magnitude <= UInt64(Int64.max) + 1 {
                return .integer(magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude))
            }
            if !negative, magnitude <= UInt64(Int64.max) { return .integer(Int64(magnitude)) }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            throw JSONScanError(offset: start, message: "the number \(text) is out of range")
        }
        return .double(value)
    }

    // MARK: Any value

    /// Reads any JSON value.
    mutating func value(depth: Int = 0) throws(JSONScanError) -> JSONValue {
        guard depth < Self.maximumDepth else { throw failure("nesting deeper than \(Self.maximumDepth) levels") }
        guard let byte = peek() else { throw failure("expected a value") }
        switch byte {
        case 0x7B:
            position += 1
            var members: [String: JSONValue] = [:]
            var first = true
            while let key = try nextKey(&first) {
                let name = try string(key)
                members[name] = try value(depth: depth + 1)
            }
            return .object(members)
        case 0x5B:
            position += 1
            var elements: [JSONValue] = []
            var first = true
            while try nextElement(&first) { elements.append(try value(depth: depth + 1)) }
            return .array(elements)
        case 0x22: return .string(try string())
        case 0x74, 0x66: return .bool(try bool())
        case 0x6E:
            guard consumeNull() else { throw failure("expected null") }
            return .null
        default: return try number()
        }
    }

    /// Moves past any JSON value without building it (strings and nesting are still validated).
    mutating func skipValue(depth: Int = 0) throws(JSONScanError) {
        guard depth < Self.maximumDepth else { throw failure("nesting deeper than \(Self.maximumDepth) levels") }
        guard let byte = peek() else { throw failure("expected a value") }
        switch byte {
        case 0x22: _ = try scanString()
        case 0x7B:
            position += 1
            var first = true
            while try nextKey(&first) != nil { try skipValue(depth: depth + 1) }
        case 0x5B:
            position += 1
            var first = true
            while try nextElement(&first) { try skipValue(depth: depth + 1) }
        case 0x74, 0x66: _ = try bool()
        case 0x6E:
            guard consumeNull() else { throw failure("expected null") }
        default: _ = try number()
        }
    }

    // MARK: Timestamps

    /// Reads an ISO-8601 timestamp string as milliseconds since the epoch; the store's own
    /// `YYYY-MM-DDTHH:MM:SS.mmmZ` form is parsed without allocating, anything else through ``Timestamp``.
    mutating func timestampMilliseconds() throws(JSONScanError) -> Int64 {
        let span = try scanString()
        if let fast = fastTimestamp(span) { return fast }
        guard let date = Timestamp.parse(try string(span)) else {
            throw JSONScanError(offset: span.start, message: "not an ISO-8601 timestamp")
        }
        return Timestamp.milliseconds(date)
    }

    /// Reads an ISO-8601 timestamp string.
    mutating func timestamp() throws(JSONScanError) -> Date {
        Self.date(milliseconds: try timestampMilliseconds())
    }

    /// Reads an ISO-8601 timestamp string or `null`.
    mutating func optionalTimestamp() throws(JSONScanError) -> Date? {
        if consumeNull() { return nil }
        return try timestamp()
    }

    /// The date of a millisecond count, built exactly as ``Timestamp/parse(_:)`` builds it.
    static func date(milliseconds: Int64) -> Date { Date(timeIntervalSince1970: Double(milliseconds) / 1000) }

    private func fastTimestamp(_ span: JSONStringSpan) -> Int64? {
        guard span.count == 24, !span.hasEscapes else { return nil }
        let base = span.start
        func digits(_ offset: Int, _ count: Int) -> Int? {
            var value = 0
            for index in (base + offset)..<(base + offset + count) {
                let byte = bytes[index]
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard bytes[base + 4] == 0x2D, bytes[base + 7] == 0x2D, bytes[base + 10] == 0x54, bytes[base + 13] == 0x3A,
            bytes[base + 16] == 0x3A, bytes[base + 19] == 0x2E, bytes[base + 23] == 0x5A,
            let year = digits(0, 4), let month = digits(5, 2), let day = digits(8, 2), let hour = digits(11, 2),
            let minute = digits(14, 2), let second = digits(17, 2), let millisecond = digits(20, 3),
            (1...12).contains(month), day >= 1, day <= Timestamp.daysInMonth(year: year, month: month), hour < 24,
            minute < 60, second < 60
        else { return nil }
        let days = Timestamp.daysFromCivil(year: year, month: month, day: day)
        return (days * 86_400 + Int64(hour * 3600 + minute * 60 + second)) * 1000 + Int64(millisecond)
    }
}
