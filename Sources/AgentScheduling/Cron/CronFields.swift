/// The parsed fields of a cron expression as bit sets, plus the flags Vixie cron derives from the text.
///
/// Bit `n` of a set is on when value `n` matches: seconds and minutes use bits 0-59, hours 0-23, days of the
/// month 1-31, months 1-12 and days of the week 0-6 (7 is folded into 0, Sunday). Matching and searching are
/// pure integer operations on "local seconds" (seconds since 1970-01-01T00:00 on the wall clock, as if the wall
/// clock were UTC); see `CronFields+Search.swift`.
struct CronFields: Hashable, Sendable {
    /// Matching seconds (bit 0 only when the expression has no seconds field).
    var seconds: UInt64
    /// Matching minutes.
    var minutes: UInt64
    /// Matching hours.
    var hours: UInt32
    /// Matching days of the month.
    var daysOfMonth: UInt32
    /// Matching months.
    var months: UInt16
    /// Matching days of the week, 0 = Sunday.
    var daysOfWeek: UInt8
    /// The minute field's text starts with `*` (`*`, `*/15`, ...).
    var minuteStartsWithStar: Bool
    /// The hour field's text starts with `*`.
    var hourStartsWithStar: Bool
    /// The day-of-month field's text starts with `*`.
    var dayOfMonthStartsWithStar: Bool
    /// The day-of-week field's text starts with `*`.
    var dayOfWeekStartsWithStar: Bool
    /// Whether the expression had a leading seconds field.
    var hasSecondsField: Bool

    /// Bit `k` (1...37) is on when day `k` of a month that starts on a Sunday falls on a matching weekday.
    /// Shifting right by the weekday of the 1st gives the matching days of any month.
    let weekdayPattern: UInt64

    /// Creates the field set and derives the weekday pattern.
    init(
        seconds: UInt64, minutes: UInt64, hours: UInt32, daysOfMonth: UInt32, months: UInt16, daysOfWeek: UInt8,
        minuteStartsWithStar: Bool, hourStartsWithStar: Bool, dayOfMonthStartsWithStar: Bool,
        dayOfWeekStartsWithStar: Bool, hasSecondsField: Bool
    ) {
        self.seconds = seconds
        self.minutes = minutes
        self.hours = hours
        self.daysOfMonth = daysOfMonth
        self.months = months
        self.daysOfWeek = daysOfWeek
        self.minuteStartsWithStar = minuteStartsWithStar
        self.hourStartsWithStar = hourStartsWithStar
        self.dayOfMonthStartsWithStar = dayOfMonthStartsWithStar
        self.dayOfWeekStartsWithStar = dayOfWeekStartsWithStar
        self.hasSecondsField = hasSecondsField
        var pattern: UInt64 = 0
        for day in 1...37 where daysOfWeek & (1 << ((day - 1) % 7)) != 0 {
            pattern |= 1 << day
        }
        self.weekdayPattern = pattern
    }

    /// Whether the expression is fixed-time in Debian's sense: neither the minute nor the hour field starts
    /// with `*`. Fixed-time and wildcard expressions behave differently across daylight-saving transitions.
    var isFixedTime: Bool {
        !(minuteStartsWithStar || hourStartsWithStar)
    }

    /// Whether the day fields are ANDed (either starts with `*`) rather than ORed (both restricted).
    var daysAreIntersected: Bool {
        dayOfMonthStartsWithStar || dayOfWeekStartsWithStar
    }

    /// The matching days of one month as a bit set over bits 1...31 (only days that exist in that month).
    /// - Parameters:
    ///   - year: The year.
    ///   - month: The month, 1 through 12.
    ///   - firstDayNumber: The day number of the 1st of that month.
    /// - Returns: The bit set of matching days.
    @inline(__always)
    func matchingDays(year: Int, month: Int, firstDayNumber: Int) -> UInt32 {
        let length = CivilCalendar.daysInMonth(year: year, month: month)
        let existing = UInt32(truncatingIfNeeded: (UInt64(1) &<< UInt64(length + 1)) &- 2)
        let weekdays = UInt32(
            truncatingIfNeeded: weekdayPattern &>> UInt64(CivilCalendar.weekday(dayNumber: firstDayNumber)))
        let days = daysAreIntersected ? (daysOfMonth & weekdays) : (daysOfMonth | weekdays)
        return days & existing
    }

    /// Whether a wall-clock date and time matches every field (the day rule included).
    /// - Parameters:
    ///   - year: The year.
    ///   - month: The month, 1 through 12.
    ///   - day: The day of the month.
    ///   - hour: The hour, 0 through 23.
    ///   - minute: The minute, 0 through 59.
    ///   - second: The second, 0 through 59.
    /// - Returns: `true` when the date and time matches.
    func matches(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Bool {
        guard (1...12).contains(month), (1...31).contains(day), (0...23).contains(hour), (0...59).contains(minute),
            (0...59).contains(second)
        else { return false }
        guard seconds & (1 << UInt64(second)) != 0, minutes & (1 << UInt64(minute)) != 0,
            hours & (1 << UInt32(hour)) != 0, months & (1 << UInt16(month)) != 0
        else { return false }
        let first = CivilCalendar.dayNumber(year: year, month: month, day: 1)
        return matchingDays(year: year, month: month, firstDayNumber: first) & (1 << UInt32(day)) != 0
    }
}
