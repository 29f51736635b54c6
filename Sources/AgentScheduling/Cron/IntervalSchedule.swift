import Foundation

/// A schedule that fires at a fixed interval: at `anchor + k × interval` for every whole number `k`.
///
/// Without an anchor the grid is aligned to the Unix epoch, so `every: .seconds(3600)` fires on the hour (UTC)
/// and `every: .seconds(900)` at :00, :15, :30 and :45. Interval schedules ignore time zones and daylight
/// saving time: they count elapsed time.
///
/// ```swift
/// let schedule = IntervalSchedule(every: .seconds(900))!
/// schedule.next(after: .now)      // the next quarter hour
/// ```
///
/// It answers the same questions as ``CronExpression`` (`next(after:)`, `previous(before:)`), so a scheduler
/// treats both alike.
public struct IntervalSchedule: Sendable, Hashable, CustomStringConvertible {
    /// The shortest interval accepted (one millisecond).
    public static let minimumInterval = Duration.milliseconds(1)

    /// The time between fires.
    public let interval: Duration
    /// The instant the grid is aligned to, or `nil` for the Unix epoch.
    public let anchor: Date?

    private let step: Double
    private let origin: Double

    /// Creates an interval schedule.
    /// - Parameters:
    ///   - interval: The time between fires; at least ``minimumInterval``.
    ///   - anchor: The instant the grid is aligned to; `nil` aligns it to the Unix epoch.
    /// - Returns: `nil` when the interval is shorter than ``minimumInterval`` or the anchor is not finite.
    public init?(every interval: Duration, anchoredAt anchor: Date? = nil) {
        let components = interval.components
        let step = Double(components.seconds) + Double(components.attoseconds) * 1e-18
        let origin =
            anchor?.timeIntervalSinceReferenceDate ?? Date(timeIntervalSince1970: 0).timeIntervalSinceReferenceDate
        guard interval >= Self.minimumInterval, step.isFinite, origin.isFinite else { return nil }
        self.interval = interval
        self.anchor = anchor
        self.step = step
        self.origin = origin
    }

    /// The first fire time strictly after a date.
    /// - Parameter date: The instant to search from.
    /// - Returns: The fire time, or `nil` when it would be after the end of year 9999 or `date` is not finite.
    public func next(after date: Date) -> Date? {
        let time = date.timeIntervalSinceReferenceDate
        guard time.isFinite, time < Self.latest else { return nil }
        var index = ((time - origin) / step).rounded(.down) + 1
        // Floating-point rounding can put the candidate on the wrong side of `time`; nudge it back.
        for _ in 0..<4 where origin + index * step <= time { index += 1 }
        for _ in 0..<4 where origin + (index - 1) * step > time { index -= 1 }
        let fire = origin + index * step
        guard fire > time, fire <= Self.latest else { return nil }
        return Date(timeIntervalSinceReferenceDate: fire)
    }

    /// The last fire time strictly before a date.
    /// - Parameter date: The instant to search back from.
    /// - Returns: The fire time, or `nil` when it would be before the start of year 1 or `date` is not finite.
    public func previous(before date: Date) -> Date? {
        let time = date.timeIntervalSinceReferenceDate
        guard time.isFinite, time > Self.earliest else { return nil }
        var index = ((time - origin) / step).rounded(.up) - 1
        for _ in 0..<4 where origin + index * step >= time { index -= 1 }
        for _ in 0..<4 where origin + (index + 1) * step < time { index += 1 }
        let fire = origin + index * step
        guard fire < time, fire >= Self.earliest else { return nil }
        return Date(timeIntervalSinceReferenceDate: fire)
    }

    /// `every 15 minutes`, `every 1.5 seconds`, `every 2 hours aligned to 2024-01-01T00:30:00Z`.
    public var description: String {
        let components = interval.components
        var text: String
        if components.attoseconds == 0 {
            let seconds = components.seconds
            let units: [(Int64, String)] = [(86_400, "day"), (3600, "hour"), (60, "minute"), (1, "second")]
            let (size, name) = units.first { seconds % $0.0 == 0 } ?? (1, "second")
            let count = seconds / size
            text = count == 1 ? "every \(name)" : "every \(count) \(name)s"
        } else {
            text = "every \(step.formatted(.number.grouping(.never))) seconds"
        }
        if let anchor {
            text += " aligned to \(anchor.formatted(.iso8601))"
        }
        return text
    }

    /// Equal when the interval and the anchor are equal.
    /// - Parameters:
    ///   - lhs: A schedule.
    ///   - rhs: Another schedule.
    /// - Returns: Whether they have the same interval and anchor.
    public static func == (lhs: IntervalSchedule, rhs: IntervalSchedule) -> Bool {
        lhs.interval == rhs.interval && lhs.anchor == rhs.anchor
    }

    /// Hashes the interval and the anchor.
    /// - Parameter hasher: The hasher.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(interval)
        hasher.combine(anchor)
    }

    /// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z as seconds since 2001-01-01.
    private static let earliest = -63_113_904_000.0
    private static let latest = 252_423_993_599.0
}
