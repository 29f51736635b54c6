import Foundation
import Testing

@testable import AgentScheduling

/// Random garbage never crashes the parser, and whatever it accepts can be evaluated and described.
///
/// 120,000 seeded inputs in four parallel slices: a third from a cron-flavoured alphabet, a third mutations of valid expressions, a
/// third raw bytes (decoded leniently, so invalid UTF-8 becomes U+FFFD). Deterministic: SplitMix64, no clock.
struct CronParserFuzzTests {
    static let alphabet: [String] = [
        "0", "1", "2", "5", "7", "9", "12", "23", "24", "31", "59", "60", "99", "4294967296", "18446744073709551616",
        "*", "*", "/", "-", ",", ",", " ", " ", "  ", "\t", "@", "@daily", "@hourly", "@reboot", "JAN", "dec", "MON",
        "sun", "L", "W", "#", "?", "%", "+", "(", ")", "５", "é", "\u{0}", "\n", "\u{FEFF}", "🙂", "x", "MONDAY",
    ]

    static let seeds: [String] = [
        "* * * * *", "*/5 * * * *", "0 9 * * 1-5", "30 4 1,15 * 5", "0 0 */2 * 1", "0 12 * JAN,APR,JUL,OCT MON",
        "5,35 */2 1-15 * *", "*/10 * * * * *", "@weekly", "0-59/15 1-3 * * *", "59 23 31 12 *",
    ]

    @Test(arguments: 0..<4)
    func randomInputNeverCrashesTheParser(slice: Int) {
        var random = SplitMix64(seed: 0x5EED_F00D &+ UInt64(slice))
        let zones = [TimeZone(identifier: "UTC"), TimeZone(identifier: "America/New_York")].compactMap { $0 }
        var accepted = 0
        var rejected = 0
        var codes: Set<String> = []
        let probe = Date(timeIntervalSince1970: 1_710_050_000)
        for index in 0..<30_000 {
            let input: String
            switch index % 3 {
            case 0:
                let count = Int.random(in: 0...14, using: &random)
                input = (0..<count).map { _ in Self.alphabet.randomElement(using: &random) ?? "" }.joined()
            case 1:
                var characters = Array(Self.seeds.randomElement(using: &random) ?? "")
                for _ in 0..<Int.random(in: 1...3, using: &random) {
                    let replacement = Array(Self.alphabet.randomElement(using: &random) ?? "")
                    let position = Int.random(in: 0...characters.count, using: &random)
                    switch Int.random(in: 0..<3, using: &random) {
                    case 0 where position < characters.count: characters.remove(at: position)
                    case 1 where position < characters.count:
                        characters.replaceSubrange(position...position, with: replacement)
                    default: characters.insert(contentsOf: replacement, at: position)
                    }
                }
                input = String(characters)
            default:
                let bytes = (0..<Int.random(in: 0...24, using: &random)).map { _ in
                    UInt8.random(in: 0...255, using: &random)
                }
                input = String(decoding: bytes, as: UTF8.self)
            }
            do {
                let expression = try CronExpression(input, timeZone: zones[index % zones.count])
                accepted += 1
                if accepted % 8 == 0 {
                    _ = expression.next(after: probe)
                    _ = expression.previous(before: probe)
                    _ = expression.description
                }
            } catch {
                rejected += 1
                codes.insert(error.code.description)
                #expect(!error.description.isEmpty)
                #expect(error.position >= 0 && error.position <= max(input.count, CronExpression.maximumLength))
            }
        }
        #expect(accepted + rejected == 30_000)
        #expect(accepted > 300)
        #expect(codes.count >= 7)
    }

    @Test func hugeInputIsRejectedBeforeParsing() {
        let input = String(repeating: "1", count: 1_000_000)
        #expect(throws: CronParseError.self) { try CronExpression(input) }
        do {
            _ = try CronExpression(input)
        } catch {
            #expect(error.code == .tooLong)
        }
    }
}
