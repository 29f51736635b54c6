import AgentCore
import Foundation
import Testing

/// The optimised derivation, canonical JSON, timestamps and SHA-256 against ``ReferenceDerivation`` on
/// many seeded random inputs.
struct IdempotencyKeyReferenceTests {
    @Test func derivedKeysMatchTheReferenceOnRandomInputs() throws {
        var random = SeededRandomNumberGenerator(seed: 0x6964_656D_706F_7465)
        for _ in 0..<3000 {
            let agent = try AgentName(randomName(&random))
            let parameters = randomJSON(&random, depth: 0)
            let businessDate: BusinessDate? =
                Bool.random(using: &random)
                ? nil
                : try BusinessDate(
                    year: Int.random(in: 1...9999, using: &random), month: Int.random(in: 1...12, using: &random),
                    day: Int.random(in: 1...28, using: &random))
            let fire = Bool.random(using: &random) ? nil : randomDate(&random)
            let derived = IdempotencyKey.derive(
                agent: agent, parameters: parameters, businessDate: businessDate, nominalFireTime: fire)
            let expected = ReferenceDerivation.key(
                agent: agent.rawValue, parameters: parameters, businessDate: businessDate, fire: fire)
            #expect(
                derived.rawValue == expected,
                "\(agent) \(parameters) \(String(describing: businessDate)) \(String(describing: fire))")
            if derived.rawValue != expected { return }
        }
    }

    @Test func canonicalTextMatchesTheReferenceOnRandomValues() {
        var random = SeededRandomNumberGenerator(seed: 42)
        for _ in 0..<3000 {
            let value = randomJSON(&random, depth: 0)
            let expected = ReferenceDerivation.canonicalText(value)
            #expect(value.canonicalText == expected)
            if value.canonicalText != expected { return }
        }
    }

    @Test func timestampsMatchTheReferenceOnRandomDates() {
        var random = SeededRandomNumberGenerator(seed: 7)
        let edges: [Date] = [
            Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: -0.0005), Date(timeIntervalSince1970: 0.0005),
            Date(timeIntervalSince1970: -62_135_596_800), Date(timeIntervalSince1970: 253_402_300_799.999),
            Date(timeIntervalSince1970: 253_402_300_800), Date(timeIntervalSince1970: -62_167_219_200.001),
            Date(timeIntervalSince1970: 8_999_999_999_999.999), Date(timeIntervalSince1970: -9e12),
            Date(timeIntervalSince1970: .nan), Date(timeIntervalSince1970: .infinity),
            Date(timeIntervalSince1970: -.infinity), .distantPast, .distantFuture,
        ]
        for date in edges + (0..<20000).map({ _ in randomDate(&random) }) {
            let expected = ReferenceDerivation.timestamp(date)
            #expect(Timestamp.format(date) == expected, "\(date.timeIntervalSince1970)")
            if Timestamp.format(date) != expected { return }
        }
    }

    @Test func sha256MatchesTheReferenceHoweverTheMessageIsSplit() {
        var random = SeededRandomNumberGenerator(seed: 256)
        for length in 0...300 {
            let message = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            var hasher = SHA256()
            var start = 0
            while start < length {
                let end = min(length, start + Int.random(in: 0...70, using: &random))
                hasher.update(message[start..<end])
                start = end
            }
            hasher.update([UInt8]())
            let digest = hasher.finalize().map { String($0, radix: 16) }.map { $0.count == 1 ? "0" + $0 : $0 }
            let expected = ReferenceDerivation.sha256Hex(message)
            #expect(digest.joined() == expected, "length \(length)")
            #expect(SHA256.hexDigest(of: message) == expected, "length \(length)")
        }
    }

    /// 1–63 characters: a letter or digit, then letters, digits, `.`, `_` or `-`.
    private func randomName(_ random: inout SeededRandomNumberGenerator) -> String {
        let first = Array("abcXYZ0189")
        let rest = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        let length =
            Bool.random(using: &random) ? Int.random(in: 1...8, using: &random) : Int.random(in: 1...63, using: &random)
        return String(first[Int.random(in: 0..<first.count, using: &random)])
            + String((1..<length).map { _ in rest[Int.random(in: 0..<rest.count, using: &random)] })
    }

    /// Strings mixing ASCII, the characters JSON escapes, and non-ASCII text whose UTF-16 order differs from
    /// its code-point order (U+E000–U+FFFF against supplementary characters).
    private func randomString(_ random: inout SeededRandomNumberGenerator) -> String {
        let pool: [Unicode.Scalar] = [
            "a", "b", "z", "A", "Z", "0", "9", " ", "/", "\"", "\\", "\n", "\r", "\t", "\u{08}", "\u{0C}", "\u{00}",
            "\u{01}", "\u{0F}", "\u{10}", "\u{1F}", "\u{7F}", "é", "ß", "中", "\u{0301}", "\u{D7FF}", "\u{E000}",
            "\u{FFFD}", "\u{FFFF}", "😀", "\u{10000}", "\u{10FFFF}",
        ]
        var scalars = String.UnicodeScalarView()
        let length = Int.random(in: 0...(Bool.random(using: &random) ? 6 : 40), using: &random)
        for _ in 0..<length { scalars.append(pool[Int.random(in: 0..<pool.count, using: &random)]) }
        return String(scalars)
    }

    private func randomDate(_ random: inout SeededRandomNumberGenerator) -> Date {
        switch Int.random(in: 0..<4, using: &random) {
        case 0: Date(timeIntervalSince1970: 1_767_225_600 + Double(Int.random(in: 0..<100_000_000, using: &random)) / 7)
        case 1:
            Date(
                timeIntervalSince1970: Double(Int64.random(in: -9_500_000_000_000...9_500_000_000_000, using: &random))
                    / 1000 * 1000)
        case 2: Date(timeIntervalSince1970: Double(bitPattern: random.next()))
        default:
            Date(
                timeIntervalSince1970: Double(Int64.random(in: -1_000_000_000_000...1_000_000_000_000, using: &random))
                    / 1000)
        }
    }

    private func randomJSON(_ random: inout SeededRandomNumberGenerator, depth: Int) -> JSONValue {
        switch Int.random(in: 0..<(depth > 2 ? 5 : 7), using: &random) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &random))
        case 2:
            let edges: [Int64] = [0, -1, 1, 9, 10, -10, .min, .max, 9_007_199_254_740_993]
            return .integer(
                Bool.random(using: &random)
                    ? edges[Int.random(in: 0..<edges.count, using: &random)]
                    : Int64(bitPattern: random.next()) >> Int64.random(in: 0..<64, using: &random))
        case 3:
            let edges: [Double] = [
                0, -0.0, 1, -1.5, 0.25, 1e300, .leastNonzeroMagnitude, .nan, .infinity, -.infinity,
                9_007_199_254_740_992,
                9_007_199_254_740_991, -9_007_199_254_740_991, 1.2345678901234567e+19,
            ]
            return .double(
                Bool.random(using: &random)
                    ? edges[Int.random(in: 0..<edges.count, using: &random)] : Double(bitPattern: random.next()))
        case 4: return .string(randomString(&random))
        case 5:
            return .array(
                (0..<Int.random(in: 0...4, using: &random)).map { _ in randomJSON(&random, depth: depth + 1) })
        default:
            var members: [String: JSONValue] = [:]
            let count = Int.random(in: 0...(depth == 0 && Bool.random(using: &random) ? 40 : 5), using: &random)
            for _ in 0..<count { members[randomString(&random)] = randomJSON(&random, depth: depth + 1) }
            return .object(members)
        }
    }
}
