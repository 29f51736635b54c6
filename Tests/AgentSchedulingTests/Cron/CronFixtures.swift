import Foundation
import Testing

/// The shared cron test data (`Fixtures/cron/*.jsonl`, copied from the project's cron specification).
enum CronFixtures {
    /// One expected-fire-times case.
    struct Vector: Decodable, Sendable, CustomTestStringConvertible {
        /// The expression.
        var expr: String
        /// `UTC` or an IANA zone name.
        var tz: String
        /// ISO-8601 start instant with offset.
        var start: String
        /// The next five fire times, ISO-8601 with the offset valid at that instant.
        var next: [String]

        var testDescription: String { "\(expr) in \(tz) after \(start)" }
    }

    /// One expression that must be rejected.
    struct Invalid: Decodable, Sendable, CustomTestStringConvertible {
        /// The expression.
        var expr: String
        /// The kind of mistake, for example `out-of-range`.
        var category: String
        /// Why it is invalid.
        var why: String

        var testDescription: String { "\(category): \(why)" }
    }

    static let vectors: [Vector] = load("vectors")
    static let invalid: [Invalid] = load("invalid")

    private static func load<Line: Decodable>(_ name: String) -> [Line] {
        guard let url = Bundle.module.url(forResource: "Fixtures/cron/\(name)", withExtension: "jsonl"),
            let text = try? String(contentsOf: url, encoding: .utf8)
        else { return [] }
        let decoder = JSONDecoder()
        return text.split(separator: "\n").compactMap { line in
            try? decoder.decode(Line.self, from: Data(line.utf8))
        }
    }

    /// The zone a vector names.
    static func zone(_ name: String) -> TimeZone? {
        name == "UTC" ? TimeZone(identifier: "UTC") : TimeZone(identifier: name)
    }

    /// Parses `2024-03-10T03:00:00-04:00` (seconds and offset required).
    static func instant(_ text: String) -> Date? {
        try? Date(text, strategy: .iso8601)
    }

    /// Formats an instant as `2024-03-10T03:00:00-04:00` in a zone, using Foundation's calendar (independent of
    /// the engine's own arithmetic).
    static func format(_ date: Date, in zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let offset = zone.secondsFromGMT(for: date)
        let sign = offset < 0 ? "-" : "+"
        let magnitude = abs(offset)
        func two(_ value: Int?) -> String {
            let value = value ?? 0
            return value < 10 ? "0\(value)" : "\(value)"
        }
        let year = String(parts.year ?? 0)
        let paddedYear = String(repeating: "0", count: max(0, 4 - year.count)) + year
        return "\(paddedYear)-\(two(parts.month))-\(two(parts.day))T\(two(parts.hour)):\(two(parts.minute)):"
            + "\(two(parts.second))\(sign)\(two(magnitude / 3600)):\(two(magnitude / 60 % 60))"
    }
}
