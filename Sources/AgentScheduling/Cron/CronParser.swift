/// Turns cron text into ``CronFields``: one pass over the UTF-8 bytes, no regular expressions, no allocation per
/// item, and no way to trap (numbers saturate instead of overflowing; every index is checked).
struct CronParser {
    /// The longest input, in UTF-8 bytes, that is parsed at all.
    static let maximumLength = 1024

    /// The macros and what they stand for. Only the lower-case spellings are accepted.
    static let macros: [(name: String, expansion: String)] = [
        ("@yearly", "0 0 1 1 *"), ("@annually", "0 0 1 1 *"), ("@monthly", "0 0 1 * *"), ("@weekly", "0 0 * * 0"),
        ("@daily", "0 0 * * *"), ("@midnight", "0 0 * * *"), ("@hourly", "0 * * * *"),
    ]

    private let bytes: [UInt8]
    private let text: String

    private init(_ text: String) {
        self.text = text
        self.bytes = Array(text.utf8)
    }

    /// Parses an expression.
    /// - Parameter text: Five fields, six fields (leading seconds) or a macro.
    /// - Returns: The field bit sets and flags.
    /// - Throws: ``CronParseError`` naming the field, the position and the reason.
    static func parse(_ text: String) throws(CronParseError) -> CronFields {
        guard text.utf8.count <= maximumLength else {
            let position = String(decoding: text.utf8.prefix(maximumLength), as: UTF8.self).count
            throw CronParseError(
                code: .tooLong, field: nil, position: position,
                reason: "the expression is \(text.utf8.count) bytes long; the limit is \(maximumLength)")
        }
        return try CronParser(text).parse()
    }

    private func parse() throws(CronParseError) -> CronFields {
        let tokens = fieldRanges()
        if let first = tokens.first, bytes[first.lowerBound] == UInt8(ascii: "@") {
            return try parseMacro(tokens)
        }
        guard tokens.count == 5 || tokens.count == 6 else {
            let found = tokens.isEmpty ? "an empty expression" : "\(tokens.count) field\(tokens.count == 1 ? "" : "s")"
            throw CronParseError(
                code: .fieldCount, field: nil, position: tokens.count > 6 ? characterOffset(tokens[6].lowerBound) : 0,
                reason: "expected 5 fields (minute hour day-of-month month day-of-week) or 6 with a leading "
                    + "seconds field, found \(found)")
        }
        let hasSeconds = tokens.count == 6
        let fields: [CronField] =
            hasSeconds
            ? [.second, .minute, .hour, .dayOfMonth, .month, .dayOfWeek]
            : [.minute, .hour, .dayOfMonth, .month, .dayOfWeek]
        var sets: [UInt64] = []
        for (field, range) in zip(fields, tokens) {
            sets.append(try parseField(field, range))
        }
        let offset = hasSeconds ? 1 : 0
        let star = { (index: Int) in self.bytes[tokens[index + offset].lowerBound] == UInt8(ascii: "*") }
        // Day-of-week 7 is Sunday: fold bit 7 into bit 0.
        let weekdays = sets[4 + offset]
        let result = CronFields(
            seconds: hasSeconds ? sets[0] : 1,
            minutes: sets[offset],
            hours: UInt32(truncatingIfNeeded: sets[1 + offset]),
            daysOfMonth: UInt32(truncatingIfNeeded: sets[2 + offset]),
            months: UInt16(truncatingIfNeeded: sets[3 + offset]),
            daysOfWeek: UInt8(truncatingIfNeeded: (weekdays | (weekdays >> 7)) & 0x7F),
            minuteStartsWithStar: star(0), hourStartsWithStar: star(1), dayOfMonthStartsWithStar: star(2),
            dayOfWeekStartsWithStar: star(4), hasSecondsField: hasSeconds)
        try checkDatesExist(result, dayOfMonthRange: tokens[2 + offset])
        return result
    }

    // MARK: - Fields

    /// Byte ranges of the whitespace-separated fields (spaces and tabs separate; leading and trailing ones are
    /// ignored). Any other byte, including other whitespace, belongs to a field and is judged there.
    private func fieldRanges() -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start: Int?
        for (index, byte) in bytes.enumerated() {
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
                if let fieldStart = start {
                    ranges.append(fieldStart..<index)
                    start = nil
                }
            } else if start == nil {
                start = index
            }
        }
        if let fieldStart = start { ranges.append(fieldStart..<bytes.count) }
        return ranges
    }

    private func parseMacro(_ tokens: [Range<Int>]) throws(CronParseError) -> CronFields {
        let first = tokens[0]
        let name = String(decoding: bytes[first], as: UTF8.self)
        let known = Self.macros.map(\.name)
        let list = "@yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly"
        if let macro = Self.macros.first(where: { $0.name == name }) {
            guard tokens.count == 1 else {
                throw CronParseError(
                    code: .invalidMacro, field: nil, position: characterOffset(tokens[1].lowerBound),
                    reason: "unexpected text after \(name); a macro stands alone")
            }
            return try Self.parse(macro.expansion)
        }
        let reason: String
        if name == "@" {
            reason = "expected a macro name right after @ (\(list))"
        } else if name == "@reboot" {
            reason = "@reboot runs once at start-up and has no fire times"
        } else if let match = known.first(where: { $0 == name.lowercased() }) {
            reason = "\(quoted(name)) is not a macro; macros are lower case (\(match))"
        } else {
            reason = "\(quoted(name)) is not a macro; expected \(list)"
        }
        throw CronParseError(
            code: .invalidMacro, field: nil, position: characterOffset(first.lowerBound), reason: reason)
    }

    /// Parses one field: a comma-separated list of `*`, values, ranges and steps.
    /// - Returns: The bit set over the field's values (day-of-week still has 7 for Sunday).
    private func parseField(_ field: CronField, _ range: Range<Int>) throws(CronParseError) -> UInt64 {
        var bits: UInt64 = 0
        var index = range.lowerBound
        while true {
            guard index < range.upperBound, bytes[index] != UInt8(ascii: ",") else {
                throw error(.syntax, field, at: index, "empty list item")
            }
            let itemStart = index
            var low: Int
            var high: Int
            var isSingle = false
            if bytes[index] == UInt8(ascii: "*") {
                low = field.minimum
                high = field.maximum
                index += 1
            } else {
                let first = try parseValue(field, at: &index, end: range.upperBound, after: nil)
                low = first
                high = first
                if index < range.upperBound, bytes[index] == UInt8(ascii: "-") {
                    index += 1
                    high = try parseValue(field, at: &index, end: range.upperBound, after: "-")
                    guard low <= high else {
                        let text = String(decoding: bytes[itemStart..<index], as: UTF8.self)
                        throw error(
                            .reversedRange, field, at: itemStart,
                            "range \(text) is reversed; ranges go from low to high and do not wrap around")
                    }
                } else {
                    isSingle = true
                }
            }
            var step = 1
            if index < range.upperBound, bytes[index] == UInt8(ascii: "/") {
                index += 1
                step = try parseStep(field, at: &index, end: range.upperBound)
                if isSingle { high = field.maximum }  // `5/15` means `5-max/15`.
            }
            var value = low
            while value <= high {
                bits |= 1 << UInt64(value)
                value += step
            }
            guard index < range.upperBound else { return bits }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            let previous = String(decoding: bytes[itemStart..<index], as: UTF8.self)
            throw error(.syntax, field, at: index, "unexpected \(character(at: index)) after \(quoted(previous))")
        }
    }

    /// Parses a number or a name and checks it against the field's range.
    /// - Parameter after: The separator just read (`"-"` for a range end), for messages.
    private func parseValue(
        _ field: CronField, at index: inout Int, end: Int, after: String?
    ) throws(CronParseError) -> Int {
        let start = index
        guard index < end else {
            throw error(.syntax, field, at: index, "expected a number\(field.names == nil ? "" : " or a name") after -")
        }
        let byte = bytes[index]
        if isDigit(byte) {
            var value = 0
            while index < end, isDigit(bytes[index]) {
                value = min(value * 10 + Int(bytes[index] - UInt8(ascii: "0")), 1_000_000_000)
                index += 1
            }
            guard value >= field.minimum, value <= field.maximum else {
                throw error(
                    .outOfRange, field, at: start,
                    "\(abbreviated(start..<index)) is out of range \(field.minimum)-\(field.maximum)")
            }
            return value
        }
        if isLetter(byte) {
            while index < end, isLetter(bytes[index]) { index += 1 }
            let word = abbreviated(start..<index)
            guard let names = field.names else {
                throw error(
                    .invalidName, field, at: start,
                    "\(quoted(word)) is not a number; names are allowed only in the month and day-of-week fields")
            }
            let upper = word.uppercased()
            guard let position = names.firstIndex(of: upper) else {
                let kind = field == .month ? "a month name (JAN-DEC)" : "a day-of-week name (SUN-SAT)"
                throw error(.invalidName, field, at: start, "\(quoted(word)) is not \(kind)")
            }
            return field.minimum + position
        }
        let expected = "a number\(field.names == nil ? "" : ", a name")"
        if let after {
            throw error(.syntax, field, at: index, "expected \(expected) after \(after), found \(character(at: index))")
        }
        if byte == UInt8(ascii: "/") {
            throw error(.invalidStep, field, at: index, "a step needs a range or * before it, as in */5 or 0-30/5")
        }
        throw error(.syntax, field, at: index, "expected \(expected) or *, found \(character(at: index))")
    }

    /// Parses the number after `/`.
    private func parseStep(_ field: CronField, at index: inout Int, end: Int) throws(CronParseError) -> Int {
        let start = index
        guard index < end, isDigit(bytes[index]) else {
            if index < end, bytes[index] != UInt8(ascii: ",") {
                throw error(
                    .invalidStep, field, at: index,
                    "expected a step (a whole number of at least 1) after /, found \(character(at: index))")
            }
            throw error(.invalidStep, field, at: index, "missing step after /")
        }
        var value = 0
        while index < end, isDigit(bytes[index]) {
            value = min(value * 10 + Int(bytes[index] - UInt8(ascii: "0")), 1_000_000_000)
            index += 1
        }
        guard value >= 1 else {
            throw error(.invalidStep, field, at: start, "step \(abbreviated(start..<index)) must be at least 1")
        }
        guard value < 1_000_000_000 else {
            throw error(.invalidStep, field, at: start, "step \(abbreviated(start..<index)) is too large")
        }
        return value
    }

    // MARK: - Whole-expression checks

    /// Rejects expressions whose days can never occur: when the day fields are ANDed (one starts with `*`) and
    /// no listed day of the month exists in any listed month. (When they are ORed, the weekdays still fire.)
    private func checkDatesExist(_ fields: CronFields, dayOfMonthRange: Range<Int>) throws(CronParseError) {
        guard fields.daysAreIntersected else { return }
        let longest = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        var monthsWithoutDays: [Int] = []
        for month in 1...12 where fields.months & (1 << UInt16(month)) != 0 {
            let existing = UInt32(truncatingIfNeeded: (UInt64(1) << UInt64(longest[month] + 1)) - 2)
            if fields.daysOfMonth & existing != 0 { return }
            monthsWithoutDays.append(month)
        }
        let names = [
            "", "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
            "November", "December",
        ]
        var list = monthsWithoutDays.map { names[$0] }
        let last = list.removeLast()
        let months = list.isEmpty ? last : list.joined(separator: ", ") + " or " + last
        let days = String(decoding: bytes[dayOfMonthRange], as: UTF8.self)
        let trimmed = text.trimmingSpacesAndTabs()
        throw error(
            .impossibleDate, .dayOfMonth, at: dayOfMonthRange.lowerBound,
            "\(days) never occurs in \(months) (\(trimmed))")
    }

    // MARK: - Helpers

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private func isLetter(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
    }

    private func error(_ code: CronParseError.Code, _ field: CronField, at byteOffset: Int, _ reason: String)
        -> CronParseError
    {
        CronParseError(code: code, field: field, position: characterOffset(byteOffset), reason: reason)
    }

    /// The `Character` offset of a byte offset (the parser only stops at the first byte of a character).
    private func characterOffset(_ byteOffset: Int) -> Int {
        String(decoding: bytes[..<min(byteOffset, bytes.count)], as: UTF8.self).count
    }

    /// The input text of a byte range, cut to 24 characters for messages.
    private func abbreviated(_ range: Range<Int>) -> String {
        let text = String(decoding: bytes[range], as: UTF8.self)
        return text.count > 24 ? text.prefix(24) + "…" : text
    }

    /// The character at a byte offset, quoted for a message, with its code point when it is not printable ASCII.
    private func character(at byteOffset: Int) -> String {
        guard byteOffset < bytes.count else { return "the end of the field" }
        let rest = String(decoding: bytes[byteOffset...], as: UTF8.self)
        guard let scalar = rest.unicodeScalars.first else { return "the end of the field" }
        let hex = String(scalar.value, radix: 16, uppercase: true)
        let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        if scalar.value >= 0x21 && scalar.value < 0x7F { return "'\(Character(scalar))'" }
        if scalar.properties.isWhitespace || scalar.value < 0x20 || scalar.value == 0x7F { return code }
        return "'\(Character(scalar))' (\(code))"
    }

    private func quoted(_ text: String) -> String {
        "\"\(text)\""
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    fileprivate func trimmingSpacesAndTabs() -> String {
        let isBlank = { (character: Character) in character == " " || character == "\t" }
        guard let first = firstIndex(where: { !isBlank($0) }), let last = lastIndex(where: { !isBlank($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
