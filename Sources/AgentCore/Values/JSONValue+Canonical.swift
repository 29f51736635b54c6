extension JSONValue {
    /// The canonical JSON text of the value: object keys sorted by their UTF-16 code units, no
    /// insignificant whitespace, integral numbers without a fraction, strings with the minimal escapes.
    ///
    /// Two values that differ only in key order or formatting have the same canonical text, which is what
    /// idempotency keys are derived from. Keys, strings and integers follow RFC 8785 (JSON Canonicalization
    /// Scheme); a double that holds an integer below 2^53 is written as that integer (`1.0` → `1`, `-0.0` → `0`),
    /// any other double in Swift's shortest round-trip form (`0.25`, `1.2345678901234567e+19`), which is the
    /// same on every platform; non-finite doubles, which JSON cannot express, are written as `null`.
    public var canonicalText: String {
        if case .null = self { return "null" }
        var output = CanonicalBytes()
        writeCanonicalText(into: &output)
        return String(decoding: output.bytes, as: UTF8.self)
    }

    /// A destination for the UTF-8 bytes of ``canonicalText``, such as the buffer an idempotency key is hashed
    /// from or the JSON-file store's record writer, so that the text need not be built as a `String` first.
    package protocol CanonicalTextOutput {
        /// Appends the next bytes of the text.
        /// - Parameter bytes: The bytes, valid only during the call.
        mutating func update(_ bytes: UnsafeRawBufferPointer)
    }

    /// Writes the UTF-8 bytes of ``canonicalText`` to `output`, in order, without building the text.
    /// - Parameter output: Receives the bytes in one or more pieces.
    func writeCanonicalText(into output: inout some CanonicalTextOutput) {
        switch self {
        case .null:
            output.write("null")
        case .bool(let flag):
            output.write(flag ? "true" : "false")
        case .integer(let number):
            Self.writeInteger(number, into: &output)
        case .double(let number):
            Self.writeCanonicalNumber(number, into: &output)
        case .string(let text):
            Self.writeJSONString(text, into: &output)
        case .array(let elements):
            output.write("[")
            for (index, element) in elements.enumerated() {
                if index > 0 { output.write(",") }
                element.writeCanonicalText(into: &output)
            }
            output.write("]")
        case .object(let members):
            Self.writeCanonicalObject(members, into: &output)
        }
    }

    /// Writes an object with its members sorted by key.
    ///
    /// The keys and the members' positions are sorted in a buffer that is on the stack for any object of
    /// modest size, so no array is allocated and the dictionary is not searched again for each key.
    private static func writeCanonicalObject(
        _ members: [String: JSONValue], into output: inout some CanonicalTextOutput
    ) {
        output.write("{")
        withUnsafeTemporaryAllocation(
            of: (key: String, index: [String: JSONValue].Index).self, capacity: members.count
        ) { entries in
            for (offset, index) in members.indices.enumerated() {
                entries.initializeElement(at: offset, to: (members.keys[index], index))
            }
            defer { entries.deinitialize() }
            var sorted = entries
            sorted.sort { keyPrecedes($0.key, $1.key) }
            for (offset, entry) in sorted.enumerated() {
                if offset > 0 { output.write(",") }
                writeJSONString(entry.key, into: &output)
                output.write(":")
                members.values[entry.index].writeCanonicalText(into: &output)
            }
        }
        output.write("}")
    }

    /// Whether `lhs` sorts before `rhs` by UTF-16 code units.
    ///
    /// UTF-8 byte order is code-point order, which agrees with UTF-16 order except between U+E000–U+FFFF and
    /// supplementary characters; so when the first differing bytes are both ASCII the bytes decide, and
    /// anything else is compared as UTF-16.
    private static func keyPrecedes(_ lhs: String, _ rhs: String) -> Bool {
        var left = lhs.utf8.makeIterator()
        var right = rhs.utf8.makeIterator()
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil): return false
            case (nil, _): return true
            case (_, nil): return false
            case (let leftByte?, let rightByte?):
                if leftByte == rightByte { continue }
                if leftByte < 0x80, rightByte < 0x80 { return leftByte < rightByte }
                return lhs.utf16.lexicographicallyPrecedes(rhs.utf16)
            }
        }
    }

    private static func writeCanonicalNumber(_ number: Double, into output: inout some CanonicalTextOutput) {
        guard number.isFinite else { return output.write("null") }
        if number == 0 { return output.write("0") }
        if number == number.rounded(), abs(number) < 9_007_199_254_740_992 {
            return writeInteger(Int64(number), into: &output)
        }
        var text = "\(number)"
        text.withUTF8 { output.update(UnsafeRawBufferPointer($0)) }
    }

    /// Writes `String(number)`.
    private static func writeInteger(_ number: Int64, into output: inout some CanonicalTextOutput) {
        // 20 bytes hold Int64.min, "-9223372036854775808".
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var magnitude = number.magnitude
            var start = 20
            repeat {
                start -= 1
                digits[start] = 0x30 + UInt8(truncatingIfNeeded: magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if number < 0 {
                start -= 1
                digits[start] = 0x2D
            }
            output.update(UnsafeRawBufferPointer(UnsafeMutableBufferPointer(rebasing: digits[start..<20])))
        }
    }

    /// Writes a string between quotes, escaping `"`, `\` and the control characters U+0000–U+001F (the short
    /// forms `\b \f \n \r \t` where they exist, `\u00XX` with lower-case hex otherwise); every other byte of
    /// the UTF-8 text is copied unchanged.
    /// - Parameters:
    ///   - text: The string.
    ///   - output: Receives the bytes.
    package static func writeJSONString(_ text: String, into output: inout some CanonicalTextOutput) {
        output.write("\"")
        var text = text
        text.withUTF8 { bytes in
            var runStart = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte < 0x20 || byte == 0x22 || byte == 0x5C else { continue }
                if runStart < index {
                    output.update(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[runStart..<index])))
                }
                runStart = index + 1
                switch byte {
                case 0x22: output.write("\\\"")
                case 0x5C: output.write("\\\\")
                case 0x08: output.write("\\b")
                case 0x0C: output.write("\\f")
                case 0x0A: output.write("\\n")
                case 0x0D: output.write("\\r")
                case 0x09: output.write("\\t")
                default:
                    output.write(byte < 0x10 ? "\\u000" : "\\u001")
                    let digit = byte & 0x0f
                    withUnsafeBytes(of: digit < 10 ? 0x30 + digit : 0x57 + digit) { output.update($0) }
                }
            }
            if runStart < bytes.count {
                output.update(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count])))
            }
        }
        output.write("\"")
    }

    /// Collects canonical text in memory, for ``canonicalText``.
    private struct CanonicalBytes: CanonicalTextOutput {
        var bytes: [UInt8]

        init() {
            bytes = []
            bytes.reserveCapacity(64)
        }

        mutating func update(_ bytes: UnsafeRawBufferPointer) {
            self.bytes.append(contentsOf: bytes)
        }
    }
}

extension JSONValue.CanonicalTextOutput {
    /// Appends the UTF-8 bytes of a literal.
    /// - Parameter text: Such as `","` or `"null"`.
    @inline(__always)
    fileprivate mutating func write(_ text: StaticString) {
        text.withUTF8Buffer { update(UnsafeRawBufferPointer($0)) }
    }
}
