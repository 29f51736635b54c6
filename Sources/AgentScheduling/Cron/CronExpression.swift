import Foundation

/// A parsed cron expression bound to a time zone: parse once, then ask for fire times.
///
/// ```swift
/// let nightly = try CronExpression("30 2 * * *", timeZone: TimeZone(identifier: "America/New_York")!)
/// nightly.next(after: .now)        // the next 02:30 New York time (03:00 on the spring-forward day)
/// nightly.description              // "at 02:30 every day"
/// for fire in nightly.fireTimes(after: .now).prefix(3) { print(fire) }
/// ```
///
/// The semantics are Debian cron's (Vixie cron 3.0pl1), daylight-saving rules included; `Docs/Cron.md` has the
/// details:
/// - Five fields (minute, hour, day of month, month, day of week), or six with a leading seconds field, or one of
///   the lower-case macros `@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily`, `@midnight`, `@hourly`.
/// - When both day fields are restricted, a day matches if **either** matches; when either field starts with `*`
///   (even `*/2`), both must match.
/// - A **fixed-time** expression (neither the minute nor the hour field starts with `*`) fires once for a wall
///   time skipped by a spring-forward jump, at the first instant after the jump, and only in the first pass of
///   a repeated fall-back interval. A **wildcard** expression fires at every matching wall time that exists,
///   both passes included.
///
/// Fire times are whole seconds. Every answer is computed from bit sets and integer calendar arithmetic; the
/// zone's offsets come from a per-zone table built once per process, so `next(after:)` takes well under 200 ns
/// (`agentctl bench cron`) and never walks through time minute by minute.
///
/// Two expressions are equal when they have the same fields, flags and time zone, whatever their spelling
/// (`@daily` equals `0 0 * * *`).
public struct CronExpression: Sendable, Hashable, CustomStringConvertible {
    /// The longest input, in UTF-8 bytes, that is parsed at all; longer input is rejected with
    /// ``CronParseError/Code/tooLong``.
    public static let maximumLength = CronParser.maximumLength

    /// The text the expression was parsed from.
    public let text: String
    let fields: CronFields
    let rules: ZoneRules

    /// Parses a cron expression.
    /// - Parameters:
    ///   - text: Five fields, six fields (leading seconds) or a macro; fields are separated by spaces or tabs.
    ///   - timeZone: The zone whose wall-clock time the expression is matched against. Defaults to UTC.
    /// - Throws: ``CronParseError`` naming the field, the character position and the reason.
    public init(_ text: String, timeZone: TimeZone = .gmt) throws(CronParseError) {
        self.text = text
        self.fields = try CronParser.parse(text)
        self.rules = ZoneRules.shared(for: timeZone)
    }

    private init(text: String, fields: CronFields, rules: ZoneRules) {
        self.text = text
        self.fields = fields
        self.rules = rules
    }

    /// The zone whose wall-clock time the expression is matched against.
    public var timeZone: TimeZone {
        rules.timeZone
    }

    /// Whether the expression is fixed-time: neither its minute nor its hour field starts with `*` (after
    /// expanding a macro: `@hourly` is wildcard, the other macros are fixed-time).
    ///
    /// Fixed-time expressions fire once for wall times skipped by a daylight-saving jump and once for repeated
    /// wall times; wildcard expressions fire at every matching wall time that exists.
    public var isFixedTime: Bool {
        fields.isFixedTime
    }

    /// Whether the expression has a leading seconds field (six fields).
    public var hasSecondsField: Bool {
        fields.hasSecondsField
    }

    /// The same expression evaluated in another time zone.
    /// - Parameter timeZone: The zone.
    /// - Returns: A copy bound to `timeZone`.
    public func inTimeZone(_ timeZone: TimeZone) -> CronExpression {
        CronExpression(text: text, fields: fields, rules: ZoneRules.shared(for: timeZone))
    }

    /// The first fire time strictly after a date.
    /// - Parameter date: The instant to search from; fire times equal to it are not returned.
    /// - Returns: The fire time, or `nil` when there is none before the end of year 9999.
    /// - Complexity: One jump per month, day, hour or minute skipped as a whole, plus one step per offset change
    ///   crossed; no walk through time.
    public func next(after date: Date) -> Date? {
        let seconds = date.timeIntervalSince1970
        guard seconds < Double(Self.latestInstant) else { return nil }  // also rejects NaN
        let start = seconds < Double(Self.earliestInstant) ? Self.earliestInstant : Int(seconds.rounded(.down)) + 1
        return firstFire(atOrAfter: start).map { Date(timeIntervalSince1970: Double($0)) }
    }

    /// The last fire time strictly before a date: the predecessor of `date` among the very fire times that
    /// ``next(after:)`` produces, so `previous(before: next(after: t)!)! <= t` always holds.
    /// - Parameter date: The instant to search back from; fire times equal to it are not returned.
    /// - Returns: The fire time, or `nil` when there is none after the start of year 1.
    public func previous(before date: Date) -> Date? {
        let seconds = date.timeIntervalSince1970
        guard seconds > Double(Self.earliestInstant) else { return nil }  // also rejects NaN
        let start = seconds > Double(Self.latestInstant) ? Self.latestInstant : Int(seconds.rounded(.up)) - 1
        return lastFire(atOrBefore: start).map { Date(timeIntervalSince1970: Double($0)) }
    }

    /// The first fire time strictly after a date, with the expression evaluated in another zone.
    ///
    /// Prefer binding the zone once (``init(_:timeZone:)`` or ``inTimeZone(_:)``) on hot paths: this looks the
    /// zone up on every call.
    /// - Parameters:
    ///   - date: The instant to search from.
    ///   - timeZone: The zone to evaluate the expression in.
    /// - Returns: The fire time, or `nil` when there is none before the end of year 9999.
    public func next(after date: Date, in timeZone: TimeZone) -> Date? {
        inTimeZone(timeZone).next(after: date)
    }

    /// The last fire time strictly before a date, with the expression evaluated in another zone.
    /// - Parameters:
    ///   - date: The instant to search back from.
    ///   - timeZone: The zone to evaluate the expression in.
    /// - Returns: The fire time, or `nil` when there is none after the start of year 1.
    public func previous(before date: Date, in timeZone: TimeZone) -> Date? {
        inTimeZone(timeZone).previous(before: date)
    }

    /// Whether the wall-clock time of a date, in the expression's zone, matches every field.
    ///
    /// This is the plain field test; it does not apply the daylight-saving rules, so a fixed-time expression's
    /// fire at the end of a skipped interval (03:00 for a skipped 02:30) does not match.
    /// - Parameter date: The instant, truncated to the whole second.
    /// - Returns: `true` when every field matches.
    public func matches(_ date: Date) -> Bool {
        let seconds = date.timeIntervalSince1970
        guard seconds >= Double(Self.earliestInstant), seconds <= Double(Self.latestInstant) else { return false }
        let instant = Int(seconds.rounded(.down))
        let local = instant + rules.segment(containing: instant).offset
        let day = CivilCalendar.floorDivide(local, by: CivilCalendar.secondsPerDay)
        let second = local - day * CivilCalendar.secondsPerDay
        let date = CivilCalendar.date(dayNumber: day)
        return fields.matches(
            year: date.year, month: date.month, day: date.day, hour: second / 3600, minute: second / 60 % 60,
            second: second % 60)
    }

    /// Equal when the fields, the day and DST flags and the zone are equal.
    /// - Parameters:
    ///   - lhs: An expression.
    ///   - rhs: Another expression.
    /// - Returns: Whether they describe the same schedule in the same zone.
    public static func == (lhs: CronExpression, rhs: CronExpression) -> Bool {
        lhs.fields == rhs.fields && lhs.rules.timeZone.identifier == rhs.rules.timeZone.identifier
    }

    /// Hashes the fields and the zone identifier.
    /// - Parameter hasher: The hasher.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(fields)
        hasher.combine(rules.timeZone.identifier)
    }

    // MARK: - Integer core

    /// Instants (seconds since 1970 UTC) outside which no search starts: two days beyond the local range, more
    /// than any UTC offset.
    static let earliestInstant = CronFields.earliestLocalSecond - 2 * CivilCalendar.secondsPerDay
    static let latestInstant = CronFields.latestLocalSecond + 2 * CivilCalendar.secondsPerDay

    /// The first fire instant at or after `start` (seconds since 1970 UTC).
    ///
    /// Wildcard: the first instant whose wall-clock second matches, segment by segment of constant offset.
    /// Fixed-time: a matching wall time `L` fires at the first instant the wall clock shows `L` or later, so the
    /// answer is the next match after the latest wall time already shown (the "high-water mark"), mapped to
    /// the instant the wall clock first reaches it. A skipped `L` thus fires at the end of the jump, and a
    /// repeated `L` only in the first pass.
    func firstFire(atOrAfter start: Int) -> Int? {
        if let offset = rules.fixedOffset {
            return fields.nextLocalSecond(atOrAfter: start + offset).map { $0 - offset }
        }
        let table = rules.table
        var segment = table.segment(containing: start)
        var cursor = start
        if fields.isFixedTime {
            let before = start - 1 >= segment.start ? segment : table.segment(containing: start - 1)
            let shown = max(start - 1 + before.offset, before.highWater)
            guard let local = fields.nextLocalSecond(atOrAfter: shown + 1) else { return nil }
            while true {
                let instant = max(cursor, local - segment.offset)
                if instant < segment.end { return instant }
                cursor = segment.end
                segment = table.segment(containing: cursor)
            }
        }
        while true {
            guard let local = fields.nextLocalSecond(atOrAfter: cursor + segment.offset) else { return nil }
            let instant = local - segment.offset
            if instant < segment.end { return instant }
            cursor = segment.end
            segment = table.segment(containing: cursor)
        }
    }

    /// The last fire instant at or before `start` (seconds since 1970 UTC): the mirror image of
    /// ``firstFire(atOrAfter:)`` over the same set of fire instants.
    func lastFire(atOrBefore start: Int) -> Int? {
        if let offset = rules.fixedOffset {
            return fields.previousLocalSecond(atOrBefore: start + offset).map { $0 - offset }
        }
        let table = rules.table
        var segment = table.segment(containing: start)
        if fields.isFixedTime {
            let shown = max(start + segment.offset, segment.highWater)
            guard let local = fields.previousLocalSecond(atOrBefore: shown) else { return nil }
            // Find the segment in which the wall clock first reached `local`.
            while segment.highWater >= local {
                segment = table.segment(containing: segment.start - 1)
            }
            return max(segment.start, local - segment.offset)
        }
        var cursor = start
        while true {
            guard let local = fields.previousLocalSecond(atOrBefore: cursor + segment.offset) else { return nil }
            let instant = local - segment.offset
            if instant >= segment.start { return instant }
            cursor = segment.start - 1
            segment = table.segment(containing: cursor)
        }
    }
}
