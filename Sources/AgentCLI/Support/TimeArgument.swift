import AgentCore
import AgentScheduling
import Foundation

/// Instants given on the command line: an ISO-8601 time with an offset, a local wall-clock date or time, or a
/// duration back from now (`24h`, `7d`).
enum TimeArgument {
    /// What is accepted, for error messages.
    static let expected =
        "a time such as 2026-05-01T08:00:00Z, 2026-05-01T10:00 or 2026-05-01 (local time), or a duration back "
        + "from now such as 90m, 24h or 7d"

    /// Parses `text` relative to `now` in `zone`.
    static func parse(_ text: String, now: Date, zone: TimeZone = .current) -> Date? {
        if let instant = NextCommand.Timestamps.parse(text, in: zone) { return instant }
        // A bare number is ambiguous (seconds? a year?); durations need a unit here.
        guard text.contains(where: \.isLetter), let duration = DurationText.parse(text) else { return nil }
        return now.addingTimeInterval(-duration.timeInterval)
    }
}
