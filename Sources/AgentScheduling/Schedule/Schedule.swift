import AgentCore
import Foundation

/// A schedule resolved from an agent's ``ScheduleConfiguration``: a cron expression bound to its time zone, an
/// interval grid, or nothing (manual runs only). It answers one question for the scheduler, whatever the
/// kind: when is the next fire?
///
/// ```swift
/// let schedule = try Schedule(.cron("30 2 * * *", timeZone: "Europe/Berlin"))
/// schedule.next(after: .now)       // the next 02:30 Berlin time
/// schedule.description             // "at 02:30 every day (Europe/Berlin)"
/// ```
///
/// Resolution happens once, when an agent is registered: the cron text is parsed, the zone looked up and the
/// interval checked, so a configuration mistake is reported up front with a message that says what is wrong
/// (``ResolutionError``). A manual-only configuration resolves to a schedule that never fires: ``next(after:)``
/// and ``previous(before:)`` return `nil`, so the scheduler needs no special case.
public struct Schedule: Sendable, Hashable, CustomStringConvertible {
    private enum Kind: Sendable, Hashable {
        /// The zone name is the configured identifier, for messages (Foundation reports `UTC` as `GMT`).
        case cron(CronExpression, zoneName: String)
        case interval(IntervalSchedule)
        case manualOnly
    }

    private let kind: Kind

    private init(kind: Kind) {
        self.kind = kind
    }

    /// Resolves a configuration.
    /// - Parameter configuration: A cron, interval or manual-only configuration.
    /// - Throws: ``ResolutionError`` when the cron expression does not parse (``ResolutionError/Code/invalidCron``,
    ///   with the ``CronParseError``), the time-zone identifier is unknown
    ///   (``ResolutionError/Code/unknownTimeZone``) or the interval is shorter than one millisecond
    ///   (``ResolutionError/Code/invalidInterval``).
    public init(_ configuration: ScheduleConfiguration) throws(ResolutionError) {
        if let text = configuration.cronExpression {
            let identifier = configuration.timeZoneIdentifier ?? "UTC"
            guard let zone = TimeZone(identifier: identifier) else {
                throw ResolutionError(
                    code: .unknownTimeZone, cronError: nil,
                    message: "unknown time zone \"\(identifier)\"; use an IANA identifier such as \"Europe/Berlin\" "
                        + "or \"UTC\"")
            }
            do {
                kind = .cron(try CronExpression(text, timeZone: zone), zoneName: identifier)
            } catch {
                throw ResolutionError(
                    code: .invalidCron, cronError: error, message: "invalid cron expression \"\(text)\": \(error)")
            }
        } else if let every = configuration.interval {
            guard let interval = IntervalSchedule(every: every, anchoredAt: configuration.intervalAnchor) else {
                throw ResolutionError(
                    code: .invalidInterval, cronError: nil,
                    message: "invalid interval \(every): it must be at least 1 millisecond, with a finite anchor")
            }
            kind = .interval(interval)
        } else {
            kind = .manualOnly
        }
    }

    /// A cron schedule.
    /// - Parameter expression: The expression, bound to its time zone.
    /// - Returns: A schedule that fires when the expression does.
    public static func cron(_ expression: CronExpression) -> Self {
        Self(kind: .cron(expression, zoneName: expression.timeZone.identifier))
    }

    /// An interval schedule.
    /// - Parameter interval: The interval grid.
    /// - Returns: A schedule that fires on the grid.
    public static func interval(_ interval: IntervalSchedule) -> Self {
        Self(kind: .interval(interval))
    }

    /// A schedule that never fires: the agent only runs on demand.
    public static let manualOnly = Self(kind: .manualOnly)

    /// The cron expression, when this is a cron schedule.
    public var cronExpression: CronExpression? {
        if case .cron(let expression, _) = kind { return expression }
        return nil
    }

    /// The interval schedule, when this is one.
    public var intervalSchedule: IntervalSchedule? {
        if case .interval(let interval) = kind { return interval }
        return nil
    }

    /// Whether the schedule never fires.
    public var isManualOnly: Bool {
        kind == .manualOnly
    }

    /// The first fire time strictly after a date.
    /// - Parameter date: The instant to search from.
    /// - Returns: The fire time, or `nil` for a manual-only schedule or when the schedule has run out (after
    ///   year 9999).
    public func next(after date: Date) -> Date? {
        switch kind {
        case .cron(let expression, _): expression.next(after: date)
        case .interval(let interval): interval.next(after: date)
        case .manualOnly: nil
        }
    }

    /// The last fire time strictly before a date (for catching up on missed fires).
    /// - Parameter date: The instant to search back from.
    /// - Returns: The fire time, or `nil` for a manual-only schedule or when there is none.
    public func previous(before date: Date) -> Date? {
        switch kind {
        case .cron(let expression, _): expression.previous(before: date)
        case .interval(let interval): interval.previous(before: date)
        case .manualOnly: nil
        }
    }

    /// The fire times strictly after a date, in increasing order (empty for a manual-only schedule).
    /// - Parameter date: The instant to start after.
    /// - Returns: A lazy sequence; take a prefix.
    public func fireTimes(after date: Date) -> FireTimes {
        FireTimes(schedule: self, start: date)
    }

    /// For people: `at 02:30 every day (Europe/Berlin)`, `every 15 minutes`, `manual only`.
    public var description: String {
        switch kind {
        case .cron(let expression, let zoneName): "\(expression) (\(zoneName))"
        case .interval(let interval): interval.description
        case .manualOnly: "manual only"
        }
    }

    /// The fire times of a schedule after a start instant.
    public struct FireTimes: Sequence, Sendable {
        /// The schedule.
        public let schedule: Schedule
        /// The instant the fire times are strictly after.
        public let start: Date

        /// Creates an iterator.
        /// - Returns: An iterator starting at the first fire time after ``start``.
        public func makeIterator() -> Iterator {
            Iterator(schedule: schedule, cursor: start)
        }

        /// Produces successive fire times.
        public struct Iterator: IteratorProtocol, Sendable {
            let schedule: Schedule
            var cursor: Date?

            /// The next fire time.
            /// - Returns: The fire time, or `nil` when there are no more.
            public mutating func next() -> Date? {
                guard let current = cursor else { return nil }
                cursor = schedule.next(after: current)
                return cursor
            }
        }
    }

    /// Why a ``ScheduleConfiguration`` could not be resolved.
    public struct ResolutionError: Error, Hashable, Sendable, CustomStringConvertible {
        /// The kind of problem.
        public struct Code: Hashable, Sendable, CustomStringConvertible {
            private enum Kind: Hashable, Sendable {
                case invalidCron, unknownTimeZone, invalidInterval
            }

            private let kind: Kind

            private init(_ kind: Kind) {
                self.kind = kind
            }

            /// The cron expression does not parse; ``ResolutionError/cronError`` says why.
            public static let invalidCron = Self(.invalidCron)
            /// The time-zone identifier is not one the system knows.
            public static let unknownTimeZone = Self(.unknownTimeZone)
            /// The interval is shorter than one millisecond, or its anchor is not finite.
            public static let invalidInterval = Self(.invalidInterval)

            /// The code's name.
            public var description: String {
                switch kind {
                case .invalidCron: "invalidCron"
                case .unknownTimeZone: "unknownTimeZone"
                case .invalidInterval: "invalidInterval"
                }
            }
        }

        /// The kind of problem.
        public let code: Code
        /// The parse error, when the cron expression is invalid.
        public let cronError: CronParseError?
        /// The message for humans, for example
        /// `invalid cron expression "60 * * * *": minute: 60 is out of range 0-59`.
        public let message: String

        /// The message.
        public var description: String {
            message
        }
    }
}
