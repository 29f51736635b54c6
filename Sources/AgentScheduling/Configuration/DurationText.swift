import Foundation

/// Durations as people write them in configuration and on the command line: `500ms`, `30s`, `5m`, `2h`, `1d`,
/// combinations such as `1h30m`, or a plain number of seconds (`90`, `1.5`).
public enum DurationText {
    /// What a duration looks like, for error messages.
    public static let expected = "a duration such as \"30s\", \"5m\", \"1h30m\", \"500ms\" or a number of seconds"

    /// Longer suffixes first, so that `ms` is not read as minutes.
    private static let units: [(suffix: String, milliseconds: Int64)] = [
        ("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000),
    ]

    /// Parses `text`, or returns `nil` when it is not a duration.
    public static func parse(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let number = Double(trimmed), !trimmed.isEmpty { return Self.seconds(number) }
        var total = 0.0
        var rest = Substring(trimmed)
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            guard let unit = units.first(where: { rest.hasPrefix($0.suffix) }) else { return nil }
            rest = rest.dropFirst(unit.suffix.count)
            total += value * Double(unit.milliseconds)
        }
        guard total.isFinite, total < 1e15 else { return nil }
        return .milliseconds(Int64(total.rounded()))
    }

    /// A duration of `seconds`, rounded to milliseconds; `nil` when negative or not finite.
    public static func seconds(_ seconds: Double) -> Duration? {
        guard seconds.isFinite, seconds >= 0, seconds < 1e12 else { return nil }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }

    /// The shortest exact form: `1h30m`, `45s`, `1.5s`, `250ms`, `0s`.
    public static func format(_ duration: Duration) -> String {
        let milliseconds =
            duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        guard milliseconds > 0 else { return "0s" }
        if milliseconds < 1000 { return "\(milliseconds)ms" }
        if milliseconds % 1000 != 0 {
            return String(format: "%gs", Double(milliseconds) / 1000)
        }
        var seconds = milliseconds / 1000
        var parts = ""
        for (suffix, size) in [("d", Int64(86_400)), ("h", 3600), ("m", 60), ("s", 1)] where seconds >= size {
            parts += "\(seconds / size)\(suffix)"
            seconds %= size
        }
        return parts
    }
}
