import AgentCore
import Foundation

/// Builds JSON text as UTF-8 bytes, quickly: no `String` concatenation, no `Encoder`.
///
/// Output is plain JSON that `jq` and `JSONDecoder` read: strings escape only what RFC 8259 requires
/// (`"`, `\` and control characters), so non-ASCII text stays readable.
struct JSONByteWriter {
    /// The text written so far.
    var bytes: [UInt8] = []

    /// Creates an empty writer.
    /// - Parameter capacity: Bytes to reserve.
    init(capacity: Int = 512) { bytes.reserveCapacity(capacity) }

    /// The number of bytes written.
    var count: Int { bytes.count }

    /// Appends ASCII text verbatim (punctuation and field names).
    @inline(__always)
    mutating func raw(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Appends one byte.
    @inline(__always)
    mutating func byte(_ value: UInt8) { bytes.append(value) }

    /// Appends bytes verbatim.
    mutating func raw(_ other: some Sequence<UInt8>) { bytes.append(contentsOf: other) }

    /// Appends `"name":`.
    @inline(__always)
    mutating func key(_ name: StaticString) {
        bytes.append(0x22)
        raw(name)
        bytes.append(0x22)
        bytes.append(0x3A)
    }

    /// Appends `,"name":`.
    @inline(__always)
    mutating func nextKey(_ name: StaticString) {
        bytes.append(0x2C)
        key(name)
    }

    /// Appends a JSON string, escaped as canonical JSON escapes it (``JSONValue/writeJSONString(_:into:)``).
    mutating func string(_ text: String) {
        JSONValue.writeJSONString(text, into: &self)
    }

    /// Appends a whole number.
    mutating func integer(_ value: some BinaryInteger) {
        if value < 0 { bytes.append(0x2D) }
        var magnitude = UInt64(value.magnitude)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buffer in
            var index = 20
            repeat {
                index -= 1
                buffer[index] = 0x30 + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[index..<20]))
        }
    }

    /// Appends a finite floating-point number in its shortest round-tripping form.
    /// - Returns: `false` for infinities and NaN, which JSON cannot express (nothing is written).
    mutating func double(_ value: Double) -> Bool {
        guard value.isFinite else { return false }
        raw(value.description.utf8)
        return true
    }

    /// Appends a timestamp as `"YYYY-MM-DDTHH:MM:SS.mmmZ"`, the text ``Timestamp/format(_:)`` produces.
    mutating func timestamp(_ date: Date) {
        timestamp(milliseconds: Timestamp.milliseconds(date))
    }

    /// Appends a timestamp given in milliseconds since the epoch.
    mutating func timestamp(milliseconds total: Int64) {
        let millisecond = Int(((total % 1000) + 1000) % 1000)
        let seconds = (total - Int64(millisecond)) / 1000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = Int(seconds - days * 86_400)
        let (year, month, day) = Timestamp.civilDate(fromDays: days)
        guard (0...9999).contains(year) else {
            string(Timestamp.format(JSONScanner.date(milliseconds: total)))
            return
        }
        bytes.append(0x22)
        digits(year, 4)
        bytes.append(0x2D)
        digits(month, 2)
        bytes.append(0x2D)
        digits(day, 2)
        bytes.append(0x54)
        digits(secondOfDay / 3600, 2)
        bytes.append(0x3A)
        digits(secondOfDay / 60 % 60, 2)
        bytes.append(0x3A)
        digits(secondOfDay % 60, 2)
        bytes.append(0x2E)
        digits(millisecond, 3)
        bytes.append(0x5A)
        bytes.append(0x22)
    }

    @inline(__always)
    private mutating func digits(_ value: Int, _ width: Int) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var remaining = value
        while divisor > 0 {
            bytes.append(0x30 + UInt8(remaining / divisor))
            remaining %= divisor
            divisor /= 10
        }
    }

    /// Appends any JSON value; object keys are written in sorted order so equal values give equal bytes.
    /// - Returns: `false` if the value holds a number JSON cannot express (the output is then incomplete).
    mutating func value(_ value: JSONValue) -> Bool {
        switch value {
        case .null: raw("null")
        case .bool(let flag): flag ? raw("true") : raw("false")
        case .integer(let number): integer(number)
        case .double(let number): return double(number)
        case .string(let text): string(text)
        case .array(let elements):
            bytes.append(0x5B)
            for (index, element) in elements.enumerated() {
                if index > 0 { bytes.append(0x2C) }
                guard self.value(element) else { return false }
            }
            bytes.append(0x5D)
        case .object(let members):
            bytes.append(0x7B)
            for (index, name) in members.keys.sorted().enumerated() {
                if index > 0 { bytes.append(0x2C) }
                string(name)
                bytes.append(0x3A)
                guard let member = members[name], self.value(member) else { return false }
            }
            bytes.append(0x7D)
        }
        return true
    }
}

extension JSONByteWriter: JSONValue.CanonicalTextOutput {
    /// Appends raw bytes (the escaped pieces of a string).
    /// - Parameter raw: The bytes.
    mutating func update(_ raw: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: raw)
    }
}
