/// An agent's service-level rules: warnings that a runner raises (a `slaBreached` event and a webhook) without
/// stopping or failing anything. The default, ``none``, has no rules.
///
/// ```swift
/// var policy = RunPolicy()
/// policy.serviceLevel = ServiceLevel(maxDuration: .seconds(2700), mustSucceedBy: try ServiceLevel.TimeOfDay("06:00"))
/// ```
public struct ServiceLevel: Sendable, Hashable, Codable {
    /// A local time of day, hours and minutes (`06:00`).
    public struct TimeOfDay: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
        /// The hour, 0 to 23.
        public let hour: Int
        /// The minute, 0 to 59.
        public let minute: Int

        /// Creates a time of day, clamping the hour to 0...23 and the minute to 0...59.
        /// - Parameters:
        ///   - hour: The hour.
        ///   - minute: The minute.
        public init(hour: Int, minute: Int) {
            self.hour = min(max(hour, 0), 23)
            self.minute = min(max(minute, 0), 59)
        }

        /// Parses `HH:MM` (24-hour clock, two digits for the minutes).
        /// - Parameter text: For example `"06:00"` or `"23:30"`.
        /// - Returns: The time, or `nil` when the text is not a valid `HH:MM`.
        public init?(parsing text: String) {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
                parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
                let hour = Int(parts[0]), let minute = Int(parts[1]), (0...23).contains(hour), (0...59).contains(minute)
            else { return nil }
            self.init(hour: hour, minute: minute)
        }

        /// `06:00`.
        public var description: String {
            (hour < 10 ? "0" : "") + "\(hour):" + (minute < 10 ? "0" : "") + "\(minute)"
        }

        /// Earlier in the day first.
        /// - Parameters:
        ///   - lhs: A time.
        ///   - rhs: Another.
        /// - Returns: Whether `lhs` is earlier.
        public static func < (lhs: TimeOfDay, rhs: TimeOfDay) -> Bool {
            (lhs.hour, lhs.minute) < (rhs.hour, rhs.minute)
        }
    }

    /// Warn when a run is still going this long after it started (`nil`: no limit). Unlike the policy's timeout,
    /// the run goes on.
    public var maxDuration: Duration?
    /// Warn when no run of the agent has succeeded by this local time of each day, in the time zone of the agent's
    /// cron schedule (UTC for other schedules); `nil`: no deadline.
    public var mustSucceedBy: TimeOfDay?

    /// Creates service-level rules.
    /// - Parameters:
    ///   - maxDuration: The longest a run may go on before a warning.
    ///   - mustSucceedBy: The local time of day by which a run must have succeeded.
    public init(maxDuration: Duration? = nil, mustSucceedBy: TimeOfDay? = nil) {
        self.maxDuration = maxDuration.map { max(.milliseconds(1), $0) }
        self.mustSucceedBy = mustSucceedBy
    }

    /// No rules.
    public static let none = ServiceLevel()

    /// Whether there is at least one rule.
    public var hasRules: Bool { maxDuration != nil || mustSucceedBy != nil }
}
