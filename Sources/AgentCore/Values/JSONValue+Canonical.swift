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
        var output = ""
        Self.writeCanonical(self, into: &output)
        return output
    }

    private static func writeCanonical(_ value: JSONValue, into output: inout String) {
        switch value {
        case .null:
            output += "null"
        case .bool(let flag):
            output += flag ? "true" : "false"
        case .integer(let number):
            output += String(number)
        case .double(let number):
            output += canonicalNumber(number)
        case .string(let text):
            writeCanonicalString(text, into: &output)
        case .array(let elements):
            output += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { output += "," }
                writeCanonical(element, into: &output)
            }
            output += "]"
        case .object(let members):
            output += "{"
            let keys = members.keys.sorted { $0.utf16.lexicographicallyPrecedes($1.utf16) }
            for (index, key) in keys.enumerated() {
                if index > 0 { output += "," }
                writeCanonicalString(key, into: &output)
                output += ":"
                if let member = members[key] { writeCanonical(member, into: &output) }
            }
            output += "}"
        }
    }

    private static func canonicalNumber(_ number: Double) -> String {
        guard number.isFinite else { return "null" }
        if number == 0 { return "0" }
        if number == number.rounded(), abs(number) < 9_007_199_254_740_992 {
            return String(Int64(number))
        }
        return "\(number)"
    }

    private static func writeCanonicalString(_ text: String, into output: inout String) {
        output += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        output += "\""
    }
}
