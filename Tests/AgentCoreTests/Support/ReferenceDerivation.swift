import AgentCore
import Foundation

/// A deliberately plain implementation of the idempotency-key derivation, written from its specification
/// (``IdempotencyKey``'s documentation) to check the optimised one against: the material is built as a
/// `String`, the canonical JSON and the timestamp with string operations, and SHA-256 straight from FIPS 180-4
/// on arrays. Nothing here is shared with the code under test.
enum ReferenceDerivation {
    /// The key derived from the given inputs.
    static func key(agent: String, parameters: JSONValue, businessDate: BusinessDate?, fire: Date?) -> String {
        var material = "agent-runner/idempotency/v1\n"
        material += agent + "\n"
        material += canonicalText(parameters) + "\n"
        material += (businessDate.map { pad($0.year, 4) + "-" + pad($0.month, 2) + "-" + pad($0.day, 2) } ?? "") + "\n"
        material += fire.map(timestamp) ?? ""
        return "v1:" + sha256Hex(Array(material.utf8))
    }

    /// Canonical JSON: keys sorted by UTF-16 code units, no whitespace, minimal escapes.
    static func canonicalText(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .integer(let number): return String(number)
        case .double(let number):
            guard number.isFinite else { return "null" }
            if number == 0 { return "0" }
            if number == number.rounded(), abs(number) < 9_007_199_254_740_992 { return String(Int64(number)) }
            return "\(number)"
        case .string(let text): return quoted(text)
        case .array(let elements): return "[" + elements.map(canonicalText).joined(separator: ",") + "]"
        case .object(let members):
            let keys = members.keys.sorted { $0.utf16.lexicographicallyPrecedes($1.utf16) }
            return "{" + keys.map { quoted($0) + ":" + canonicalText(members[$0] ?? .null) }.joined(separator: ",")
                + "}"
        }
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ` in UTC, found by walking 400-year cycles, years and months from 1970.
    static func timestamp(_ date: Date) -> String {
        let scaled = (date.timeIntervalSince1970 * 1000).rounded()
        let milliseconds: Int64 =
            scaled.isFinite && abs(scaled) < 9.0e15
            ? Int64(scaled) : (scaled < 0 ? -9_000_000_000_000_000 : 9_000_000_000_000_000)
        var seconds = milliseconds / 1000
        var millisecond = milliseconds % 1000
        if millisecond < 0 {
            millisecond += 1000
            seconds -= 1
        }
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        // Walk whole 400-year cycles (146,097 days) first, then years, then months.
        var year: Int64 = 1970 + 400 * (days / 146_097)
        var rest = days % 146_097
        if rest < 0 {
            rest += 146_097
            year -= 400
        }
        while rest >= daysIn(year: year) {
            rest -= daysIn(year: year)
            year += 1
        }
        var month = 1
        while rest >= daysIn(year: year, month: month) {
            rest -= daysIn(year: year, month: month)
            month += 1
        }
        let day = Int(rest) + 1
        return pad(Int(year), 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T" + pad(Int(secondOfDay / 3600), 2)
            + ":" + pad(Int(secondOfDay / 60 % 60), 2) + ":" + pad(Int(secondOfDay % 60), 2) + "."
            + pad(Int(millisecond), 3) + "Z"
    }

    /// SHA-256 of a message, as 64 lower-case hexadecimal digits.
    static func sha256Hex(_ message: [UInt8]) -> String {
        var padded = message + [0x80]
        while padded.count % 64 != 56 { padded.append(0) }
        let bitLength = UInt64(message.count) * 8
        for shift in stride(from: 56, through: 0, by: -8) {
            padded.append(UInt8(truncatingIfNeeded: bitLength >> shift))
        }
        var hash: [UInt32] = [
            0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19,
        ]
        for start in stride(from: 0, to: padded.count, by: 64) {
            var w = [UInt32](repeating: 0, count: 64)
            for t in 0..<16 {
                w[t] = padded[(start + 4 * t)..<(start + 4 * t + 4)].reduce(0) { $0 << 8 | UInt32($1) }
            }
            for t in 16..<64 {
                let s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3)
                let s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10)
                w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
            }
            var v = hash
            for t in 0..<64 {
                let t1 =
                    v[7] &+ (rotr(v[4], 6) ^ rotr(v[4], 11) ^ rotr(v[4], 25)) &+ ((v[4] & v[5]) ^ (~v[4] & v[6]))
                    &+ constants[t] &+ w[t]
                let t2 =
                    (rotr(v[0], 2) ^ rotr(v[0], 13) ^ rotr(v[0], 22)) &+ ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]))
                v = [t1 &+ t2, v[0], v[1], v[2], v[3] &+ t1, v[4], v[5], v[6]]
            }
            for index in 0..<8 { hash[index] &+= v[index] }
        }
        return hash.map { word in
            let digits = String(word, radix: 16)
            return String(repeating: "0", count: 8 - digits.count) + digits
        }.joined()
    }

    private static func quoted(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }

    /// `String(value)` with zeros in front up to `width` characters.
    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    private static func daysIn(year: Int64) -> Int64 { isLeap(year) ? 366 : 365 }

    private static func daysIn(year: Int64, month: Int) -> Int64 {
        [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    }

    private static func isLeap(_ year: Int64) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    private static func rotr(_ value: UInt32, _ count: UInt32) -> UInt32 { value >> count | value << (32 - count) }

    private static let constants: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]
}
