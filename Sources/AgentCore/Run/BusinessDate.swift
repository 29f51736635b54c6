/// The calendar day a run's work is about, written `YYYY-MM-DD` (for example the day a nightly job
/// summarises). It is part of the idempotency key, so the same job for the same day runs once.
public struct BusinessDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The year.
    public let year: Int
    /// The month, 1–12.
    public let month: Int
    /// The day of the month.
    public let day: Int

    /// Creates a date after checking that it exists.
    /// - Parameters:
    ///   - year: The year, 1–9999.
    ///   - month: The month, 1–12.
    ///   - day: The day, valid for that month and year.
    /// - Throws: ``BusinessDateError`` when the date does not exist.
    public init(year: Int, month: Int, day: Int) throws(BusinessDateError) {
        guard (1...9999).contains(year) else {
            throw BusinessDateError(text: "\(year)-\(month)-\(day)", reason: "the year must be 1-9999")
        }
        guard (1...12).contains(month) else {
            throw BusinessDateError(text: "\(year)-\(month)-\(day)", reason: "the month must be 1-12")
        }
        guard day >= 1, day <= Timestamp.daysInMonth(year: year, month: month) else {
            throw BusinessDateError(
                text: "\(year)-\(month)-\(day)",
                reason: "day \(day) does not exist in \(year)-\(month < 10 ? "0" : "")\(month)")
        }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`.
    /// - Parameter text: The date text.
    /// - Throws: ``BusinessDateError`` when the text is not a valid date in that form.
    public init(_ text: String) throws(BusinessDateError) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else {
            throw BusinessDateError(text: text, reason: "expected YYYY-MM-DD, for example 2026-11-21")
        }
        do {
            try self.init(year: year, month: month, day: day)
        } catch {
            throw BusinessDateError(text: text, reason: error.reason)
        }
    }

    /// Days since 1970-01-01.
    package var dayNumber: Int64 { Timestamp.daysFromCivil(year: year, month: month, day: day) }

    /// The date `count` days later (or earlier when negative).
    /// - Parameter count: Days to add.
    /// - Returns: The shifted date.
    public func adding(days count: Int) -> BusinessDate {
        let (year, month, day) = Timestamp.civilDate(fromDays: dayNumber + Int64(count))
        // The arithmetic always yields an existing date; clamp the year into the supported range.
        return (try? BusinessDate(year: min(max(year, 1), 9999), month: month, day: day)) ?? self
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    /// Orders dates chronologically.
    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// Decodes `"YYYY-MM-DD"`.
    /// - Throws: `DecodingError.dataCorrupted` when the text is not a valid date.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        do {
            self = try BusinessDate(try container.decode(String.self))
        } catch let error as BusinessDateError {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    /// Encodes `"YYYY-MM-DD"`.
    /// - Throws: Whatever the encoder throws.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A business date that does not exist or is not written `YYYY-MM-DD`.
public struct BusinessDateError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The rejected text.
    public let text: String
    /// Why it was rejected.
    public let reason: String

    /// `invalid business date "2026-02-30": day 30 does not exist in 2026-02`
    public var description: String { "invalid business date \"\(text)\": \(reason)" }
}
