import Foundation

@testable import AgentScheduling

/// A small, seeded, platform-independent pseudo-random generator (SplitMix64), so every property and fuzz test
/// sees the same inputs on every run and machine.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}

/// Random but valid cron expressions, biased towards what makes daylight-saving nights interesting.
enum RandomCron {
    /// One random field item: `*`, `*/k`, `a`, `a-b`, `a-b/k` or `a/k`.
    static func item(_ low: Int, _ high: Int, using random: inout SplitMix64, names: [String]? = nil) -> String {
        func value() -> String {
            let number = Int.random(in: low...high, using: &random)
            if let names, Int.random(in: 0..<4, using: &random) == 0 {
                let index = min(max(number - (low == 0 ? 0 : 1), 0), names.count - 1)
                return Int.random(in: 0..<2, using: &random) == 0 ? names[index] : names[index].lowercased()
            }
            return String(number)
        }
        switch Int.random(in: 0..<10, using: &random) {
        case 0, 1: return "*"
        case 2: return "*/\(Int.random(in: 1...max(1, (high - low + 1) / 2), using: &random))"
        case 3, 4, 5: return value()
        case 6, 7:
            let first = Int.random(in: low...high, using: &random)
            let second = Int.random(in: first...high, using: &random)
            return "\(first)-\(second)"
        case 8:
            let first = Int.random(in: low...high, using: &random)
            let second = Int.random(in: first...high, using: &random)
            return "\(first)-\(second)/\(Int.random(in: 1...7, using: &random))"
        default:
            return "\(Int.random(in: low...high, using: &random))/\(Int.random(in: 1...9, using: &random))"
        }
    }

    static func field(_ low: Int, _ high: Int, using random: inout SplitMix64, names: [String]? = nil) -> String {
        let count = Int.random(in: 0..<10, using: &random) < 7 ? 1 : Int.random(in: 2...3, using: &random)
        return (0..<count).map { _ in item(low, high, using: &random, names: names) }.joined(separator: ",")
    }

    /// A valid five-field expression (or six-field when `seconds` is set), with hours biased to 0-4.
    static func expression(using random: inout SplitMix64, seconds: Bool = false) -> String {
        let hourField =
            Int.random(in: 0..<2, using: &random) == 0
            ? field(0, 4, using: &random) : field(0, 23, using: &random)
        var parts = [
            field(0, 59, using: &random), hourField, field(1, 31, using: &random),
            field(
                1, 12, using: &random,
                names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]),
            field(0, 7, using: &random, names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]),
        ]
        // Keep most expressions frequent enough to fire inside a few days.
        if Int.random(in: 0..<3, using: &random) > 0 { parts[2] = "*" }
        if Int.random(in: 0..<3, using: &random) > 0 { parts[3] = "*" }
        if seconds { parts.insert(field(0, 59, using: &random), at: 0) }
        return parts.joined(separator: " ")
    }

    /// Zones with every kind of transition: one hour, 30 minutes (Lord Howe), 45-minute offsets (Chatham),
    /// midnight transitions (Santiago, Havana), negative DST (Dublin), a skipped day (Apia), none (Kolkata, UTC).
    static let zoneNames = [
        "UTC", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "Pacific/Chatham", "Asia/Kolkata",
        "America/Santiago", "America/Havana", "Europe/Dublin", "Pacific/Apia", "America/St_Johns",
        "Australia/Sydney", "Asia/Tehran", "Europe/London", "America/Sao_Paulo", "Africa/Casablanca",
    ]
}

extension CronExpression {
    /// Whether a fire time is explained by the daylight-saving rules rather than a direct match: a fixed-time
    /// expression firing at the first instant after a spring-forward jump because a matching wall time was
    /// skipped.
    func isSkippedTimeFire(_ fire: Date) -> Bool {
        guard isFixedTime else { return false }
        let instant = Int(fire.timeIntervalSince1970)
        let offsetBefore = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(instant - 1)))
        let offsetAfter = timeZone.secondsFromGMT(for: fire)
        guard offsetAfter > offsetBefore else { return false }
        // The wall clock jumped from (instant - 1 + offsetBefore) straight to (instant + offsetAfter).
        let firstSkipped = instant + offsetBefore
        guard let match = fields.nextLocalSecond(atOrAfter: firstSkipped) else { return false }
        return match < instant + offsetAfter
    }

    /// Whether a local second (wall-clock seconds since 1970) matches, computed through Foundation's calendar.
    func matchesLocal(_ local: Int) -> Bool {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? .gmt
        let parts = calendar.dateComponents(
            [.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: Double(local)))
        return fields.matches(
            year: parts.year ?? 0, month: parts.month ?? 0, day: parts.day ?? 0, hour: parts.hour ?? 0,
            minute: parts.minute ?? 0, second: parts.second ?? 0)
    }

    /// Whether the wall-clock time of an instant matches, computed through Foundation's calendar.
    func matchesThroughFoundation(_ date: Date) -> Bool {
        let instant = Int(date.timeIntervalSince1970)
        return matchesLocal(instant + timeZone.secondsFromGMT(for: date))
    }
}
