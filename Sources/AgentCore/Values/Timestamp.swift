import Foundation

/// Formats and parses the ISO-8601 timestamps used in records, events and files.
///
/// Timestamps are written in UTC with millisecond precision (`2026-11-21T08:30:00.250Z`) so that a
/// record's `Date` values survive a JSON round trip exactly once they have been rounded with
/// ``roundedToMilliseconds(_:)``. Parsing also accepts whole seconds, other fraction lengths and
/// numeric offsets (`+05:30`). Both directions use integer arithmetic only, no `DateFormatter`,
/// because the JSON-file store reads millions of them.
public enum Timestamp {
    /// Rounds a date to the nearest millisecond, the precision records keep.
    /// - Parameter date: Any date.
    /// - Returns: The date at whole-millisecond precision.
    public static func roundedToMilliseconds(_ date: Date) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds(date)) / 1000)
    }

    /// Milliseconds since the Unix epoch, rounded to the nearest.
    /// - Parameter date: Any date.
    /// - Returns: The millisecond count (negative before 1970).
    public static func milliseconds(_ date: Date) -> Int64 {
        let value = (date.timeIntervalSince1970 * 1000).rounded()
        guard value.isFinite, abs(value) < 9.0e15 else {
            return value < 0 ? -9_000_000_000_000_000 : 9_000_000_000_000_000
        }
        return Int64(value)
    }

    /// Formats a date as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    /// - Parameter date: The date to write.
    /// - Returns: The ISO-8601 text in UTC.
    public static func format(_ date: Date) -> String {
        String(unsafeUninitializedCapacity: maximumFormattedLength) { text in
            writeFormatted(date, into: text)
        }
    }

    /// The longest text ``format(_:)`` writes: 20 bytes plus a year of at most six digits and a sign, since
    /// ``milliseconds(_:)`` stays within ±9·10¹⁵ (about ±285,000 years).
    static let maximumFormattedLength = 32

    /// Writes ``format(_:)``'s text.
    /// - Parameters:
    ///   - date: The date to write.
    ///   - text: At least ``maximumFormattedLength`` bytes.
    /// - Returns: The number of bytes written.
    static func writeFormatted(_ date: Date, into text: UnsafeMutableBufferPointer<UInt8>) -> Int {
        precondition(text.count >= maximumFormattedLength, "a timestamp needs \(maximumFormattedLength) bytes")
        let totalMilliseconds = milliseconds(date)
        let days = floorDivide(totalMilliseconds, 86_400_000)
        // 0 ..< 86,400,000: unsigned 32-bit arithmetic is exact and cheaper than signed 64-bit.
        let millisecondOfDay = UInt32(truncatingIfNeeded: totalMilliseconds - days * 86_400_000)
        let secondOfDay = millisecondOfDay / 1000
        let (year, month, day) = civilDate(fromDays: days)
        var offset = writeCivilDate(year: year, month: month, day: day, into: text)
        text[offset] = 0x54  // T
        offset = writePadded(Int(secondOfDay / 3600), width: 2, into: text, at: offset + 1)
        text[offset] = 0x3A  // :
        offset = writePadded(Int(secondOfDay / 60 % 60), width: 2, into: text, at: offset + 1)
        text[offset] = 0x3A  // :
        offset = writePadded(Int(secondOfDay % 60), width: 2, into: text, at: offset + 1)
        text[offset] = 0x2E  // .
        offset = writePadded(Int(millisecondOfDay % 1000), width: 3, into: text, at: offset + 1)
        text[offset] = 0x5A  // Z
        return offset + 1
    }

    /// Writes a civil date as `YYYY-MM-DD`: each field zero-padded to its width, a year outside 0–9999 as
    /// its decimal text (which is how ``format(_:)`` and ``BusinessDate``'s description spell it).
    /// - Parameters:
    ///   - year: The year.
    ///   - month: The month.
    ///   - day: The day.
    ///   - text: At least 10 bytes plus the year's extra digits; 32 bytes always suffice.
    /// - Returns: The number of bytes written.
    static func writeCivilDate(year: Int, month: Int, day: Int, into text: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var offset = writePadded(year, width: 4, into: text, at: 0)
        text[offset] = 0x2D  // -
        offset = writePadded(month, width: 2, into: text, at: offset + 1)
        text[offset] = 0x2D  // -
        return writePadded(day, width: 2, into: text, at: offset + 1)
    }

    /// Writes `String(value)` left-padded with zeros to `width` characters (a negative value keeps its sign
    /// after the zeros, as string padding would put it).
    /// - Returns: The offset after the last byte written.
    @inline(__always)
    private static func writePadded(
        _ value: Int, width: Int, into text: UnsafeMutableBufferPointer<UInt8>, at start: Int
    ) -> Int {
        if value >= 0 {
            // The common case (every field of a date in the years 0–9999): the value has at most `width` digits,
            // which is known once its last `width` digits are written and nothing is left.
            var rest = value
            for position in stride(from: start + width - 1, through: start, by: -1) {
                text[position] = 0x30 + UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
            }
            if rest == 0 { return start + width }
        }
        return writePaddedSlowly(value, width: width, into: text, at: start)
    }

    /// ``writePadded(_:width:into:at:)`` for values of any size and sign.
    private static func writePaddedSlowly(
        _ value: Int, width: Int, into text: UnsafeMutableBufferPointer<UInt8>, at start: Int
    ) -> Int {
        var magnitude = value.magnitude
        var digitCount = 1
        var rest = magnitude / 10
        while rest > 0 {
            digitCount += 1
            rest /= 10
        }
        let signCount = value < 0 ? 1 : 0
        var offset = start
        for _ in 0..<max(0, width - digitCount - signCount) {
            text[offset] = 0x30
            offset += 1
        }
        if signCount == 1 {
            text[offset] = 0x2D
            offset += 1
        }
        let end = offset + digitCount
        var position = end
        repeat {
            position -= 1
            text[position] = 0x30 + UInt8(truncatingIfNeeded: magnitude % 10)
            magnitude /= 10
        } while position > offset
        return end
    }

    /// Parses an ISO-8601 date-time with a `Z` or `±HH:MM` offset and an optional fraction.
    /// - Parameter text: Text such as `2024-03-10T03:00:00-04:00` or `2026-11-21T08:30:00.250Z`.
    /// - Returns: The date, or `nil` when the text is not such a timestamp.
    public static func parse(_ text: some StringProtocol) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20 else { return nil }
        func number(_ start: Int, _ count: Int) -> Int? {
            var value = 0
            for index in start..<(start + count) {
                let byte = bytes[index]
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard let year = number(0, 4), bytes[4] == 0x2D, let month = number(5, 2), bytes[7] == 0x2D,
            let day = number(8, 2), bytes[10] == 0x54 || bytes[10] == 0x74 || bytes[10] == 0x20,
            let hour = number(11, 2), bytes[13] == 0x3A, let minute = number(14, 2), bytes[16] == 0x3A,
            let second = number(17, 2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month), hour < 24,
            minute < 60, second < 60
        else { return nil }
        var index = 19
        var fraction = 0.0
        if index < bytes.count, bytes[index] == 0x2E {
            index += 1
            var scale = 0.1
            let start = index
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                fraction += Double(bytes[index] - 0x30) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        guard index < bytes.count else { return nil }
        var offsetSeconds = 0
        switch bytes[index] {
        case 0x5A, 0x7A:
            index += 1
        case 0x2B, 0x2D:
            guard index + 6 == bytes.count, bytes[index + 3] == 0x3A, let offsetHour = number(index + 1, 2),
                let offsetMinute = number(index + 4, 2), offsetHour < 24, offsetMinute < 60
            else { return nil }
            offsetSeconds = (offsetHour * 3600 + offsetMinute * 60) * (bytes[index] == 0x2D ? -1 : 1)
            index += 6
        default:
            return nil
        }
        guard index == bytes.count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second - offsetSeconds)
        let milliseconds = Double(seconds) * 1000 + (fraction * 1000).rounded()
        return Date(timeIntervalSince1970: milliseconds / 1000)
    }

    /// The number of days in a month of the proleptic Gregorian calendar.
    /// - Parameters:
    ///   - year: The year, for example 2100 (not a leap year).
    ///   - month: The month, 1–12.
    /// - Returns: 28 to 31.
    package static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Whether a year of the proleptic Gregorian calendar has 29 February.
    /// - Parameter year: The year.
    /// - Returns: `true` for 2000 and 2024, `false` for 1900 and 2100.
    package static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
    /// - Parameters:
    ///   - year: The year.
    ///   - month: The month, 1–12.
    ///   - day: The day of the month.
    /// - Returns: The day number, negative before 1970.
    package static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
        let adjustedYear = Int64(month <= 2 ? year - 1 : year)
        let era = floorDivide(adjustedYear, 400)
        let yearOfEra = adjustedYear - era * 400
        let shiftedMonth = Int64(month > 2 ? month - 3 : month + 9)
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The civil date of a day number (the inverse of ``daysFromCivil(year:month:day:)``).
    /// - Parameter days: Days since 1970-01-01.
    /// - Returns: Year, month (1–12) and day.
    package static func civilDate(fromDays days: Int64) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = floorDivide(shifted, 146_097)
        // The day of the 400-year era is 0...146,096, so the rest is exact in unsigned 32-bit arithmetic.
        let dayOfEra = UInt32(truncatingIfNeeded: shifted - era * 146_097)
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * shiftedMonth + 2) / 5 + 1)
        let month = Int(shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9)
        let year = Int(Int64(yearOfEra) + era * 400) + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
