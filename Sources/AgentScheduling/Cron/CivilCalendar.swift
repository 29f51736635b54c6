/// Proleptic Gregorian calendar arithmetic on plain integers.
///
/// Day numbers count days since 1970-01-01 (day 0, a Thursday). The conversions follow Howard Hinnant's
/// `days_from_civil` and `civil_from_days` ("chrono-Compatible Low-Level Date Algorithms"): a handful of
/// integer multiplications and divisions by constants, with no table and no Foundation call. They are exact for
/// every date the cron engine works with (years 1 through 9999), including the century rule (2100 is not a leap
/// year, 2000 is).
enum CivilCalendar {
    /// Seconds in a civil day (leap seconds do not exist in Unix or cron time).
    static let secondsPerDay = 86_400

    /// The day number of a civil date.
    /// - Parameters:
    ///   - year: The year, for example 2024.
    ///   - month: The month, 1 through 12.
    ///   - day: The day of the month, 1 through 31.
    /// - Returns: Days since 1970-01-01.
    @inline(__always)
    static func dayNumber(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let shiftedMonth = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The civil date of a day number.
    /// - Parameter dayNumber: Days since 1970-01-01.
    /// - Returns: The year, the month (1 through 12) and the day of the month (1 through 31).
    @inline(__always)
    static func date(dayNumber: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = dayNumber + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    /// Whether a year has a February 29.
    /// - Parameter year: The year.
    /// - Returns: `true` for years divisible by 4, except centuries not divisible by 400.
    @inline(__always)
    static func isLeapYear(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    /// The number of days in a month.
    /// - Parameters:
    ///   - year: The year (it matters for February).
    ///   - month: The month, 1 through 12.
    /// - Returns: 28 through 31.
    @inline(__always)
    static func daysInMonth(year: Int, month: Int) -> Int {
        if month == 2 { return isLeapYear(year) ? 29 : 28 }
        return month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31
    }

    /// The day of the week of a day number.
    /// - Parameter dayNumber: Days since 1970-01-01.
    /// - Returns: 0 for Sunday through 6 for Saturday.
    @inline(__always)
    static func weekday(dayNumber: Int) -> Int {
        let remainder = (dayNumber + 4) % 7
        return remainder < 0 ? remainder + 7 : remainder
    }

    /// Floor division by a positive divisor (Swift's `/` truncates towards zero).
    /// - Parameters:
    ///   - value: The dividend.
    ///   - divisor: A positive divisor.
    /// - Returns: The largest integer `q` with `q * divisor <= value`.
    @inline(__always)
    static func floorDivide(_ value: Int, by divisor: Int) -> Int {
        let quotient = value / divisor
        return value % divisor < 0 ? quotient - 1 : quotient
    }
}
