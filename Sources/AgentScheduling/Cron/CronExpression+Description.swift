extension CronExpression {
    /// A plain-English explanation of when the expression fires, for people checking a schedule by reading it.
    ///
    /// Examples: `0 0 * * *` is "at 00:00 every day"; `*/15 9-17 * * 1-5` is "every 15 minutes from 09:00 to
    /// 17:45 on Monday through Friday"; `30 4 1,15 * 5` is "at 04:30 on the 1st and 15th of the month and on
    /// every Friday". Times are wall-clock times in ``timeZone`` (which the sentence does not name).
    public var description: String {
        CronSentence(fields).text
    }
}

/// Builds the English sentence for a set of cron fields.
private struct CronSentence {
    let fields: CronFields
    let seconds: [Int]
    let minutes: [Int]
    let hours: [Int]

    init(_ fields: CronFields) {
        self.fields = fields
        seconds = Self.members(of: fields.seconds, in: 0...59)
        minutes = Self.members(of: fields.minutes, in: 0...59)
        hours = Self.members(of: UInt64(fields.hours), in: 0...23)
    }

    var text: String {
        let days = dayPhrase
        var time: String
        if seconds.count == 1 {
            time = timePhrase(second: seconds[0])
        } else {
            let secondPhrase = Self.unitPhrase(seconds, unit: "second", cycle: 60)
            time = minutes.count == 60 && hours.count == 24 ? secondPhrase : secondPhrase + ", " + timePhrase(second: 0)
        }
        if days == "every day" && hours.count == 24 { return time }
        return time + " " + days
    }

    // MARK: Time of day

    private func clock(_ hour: Int, _ minute: Int, _ second: Int) -> String {
        let base = Self.twoDigits(hour) + ":" + Self.twoDigits(minute)
        return second == 0 ? base : base + ":" + Self.twoDigits(second)
    }

    private func timePhrase(second: Int) -> String {
        if minutes.count == 1 {
            let minute = minutes[0]
            if hours.count == 24 {
                let secondText = second == 0 ? "" : " and second \(second)"
                return "every hour at minute \(minute)" + secondText
            }
            if let (step, first, last) = Self.progression(hours), hours.count >= 3 {
                let every = step == 1 ? "every hour" : "every \(step) hours"
                return "\(every) from \(clock(first, minute, second)) to \(clock(last, minute, second))"
            }
            return "at " + Self.list(hours.map { clock($0, minute, second) })
        }
        if minutes.count * hours.count <= 4 {
            return "at " + Self.list(hours.flatMap { hour in minutes.map { clock(hour, $0, second) } })
        }
        let minutePhrase =
            Self.unitPhrase(minutes, unit: "minute", cycle: 60) + (second == 0 ? "" : " at second \(second)")
        let evenlySpread = minutePhrase.hasPrefix("every") && !minutePhrase.contains(" from ")
        if hours.count == 24 {
            return evenlySpread ? minutePhrase : minutePhrase + " of every hour"
        }
        if evenlySpread, let (step, first, last) = Self.progression(hours), step == 1,
            let firstMinute = minutes.first, let lastMinute = minutes.last
        {
            return "\(minutePhrase) from \(clock(first, firstMinute, second)) to \(clock(last, lastMinute, second))"
        }
        return minutePhrase + " past " + hourNoun
    }

    /// The hours as the object of "past": `every 2nd hour`, `hours 9 through 17`, `hours 1, 4 and 9`.
    private var hourNoun: String {
        if let (step, first, last) = Self.progression(hours), hours.count >= 3, step > 1 {
            if first == 0 && last + step >= 24 { return "every \(Self.ordinal(step)) hour" }
            return "every \(Self.ordinal(step)) hour from \(Self.twoDigits(first)):00 to \(Self.twoDigits(last)):00"
        }
        return (hours.count == 1 ? "hour " : "hours ") + Self.runs(hours, name: { String($0) })
    }

    // MARK: Days

    /// The days, with the months: `every day`, `on Monday through Friday in March`, `on the 1st of January`,
    /// `on the 1st through the 7th of the month if it is a Monday`, `on the 13th of the month and on every Friday`.
    private var dayPhrase: String {
        let days = Self.members(of: UInt64(fields.daysOfMonth), in: 1...31)
        let weekdays = Self.members(of: UInt64(fields.daysOfWeek), in: 0...6)
        let months = Self.members(of: UInt64(fields.months), in: 1...12)
        let inMonths = months.count == 12 ? "" : " in " + Self.runs(months, name: { Self.monthNames[$0] })
        let ofMonths = months.count == 12 ? " of the month" : " of " + Self.runs(months, name: { Self.monthNames[$0] })
        let weekdayText = Self.runs(weekdays, name: { Self.weekdayNames[$0] })
        let allDays = days.count == 31
        let allWeekdays = weekdays.count == 7
        guard fields.daysAreIntersected else {
            return "on " + dayOfMonthPhrase(days) + " of the month and on every " + weekdayText + inMonths
        }
        switch (allDays, allWeekdays) {
        case (true, true): return "every day" + inMonths
        case (true, false): return "on " + weekdayText + inMonths
        case (false, true): return "on " + dayOfMonthPhrase(days) + ofMonths
        case (false, false): return "on " + dayOfMonthPhrase(days) + ofMonths + " if it is a " + weekdayText
        }
    }

    private func dayOfMonthPhrase(_ days: [Int]) -> String {
        if let (step, first, last) = Self.progression(days), days.count >= 3, step > 1 {
            return "every \(Self.ordinal(step)) day from the \(Self.ordinal(first)) to the \(Self.ordinal(last))"
        }
        return "the " + Self.runs(days, name: Self.ordinal, through: " through the ")
    }

    // MARK: Helpers

    static let weekdayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
    static let monthNames = [
        "", "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December",
    ]

    static func members(of bits: UInt64, in range: ClosedRange<Int>) -> [Int] {
        range.filter { bits & (1 << UInt64($0)) != 0 }
    }

    /// `every minute`, `every 15 minutes`, `every 10 minutes from minute 5 through 55`,
    /// `every minute from minute 10 through 20`, `at minutes 5 and 35`.
    static func unitPhrase(_ values: [Int], unit: String, cycle: Int) -> String {
        if values.count == cycle { return "every \(unit)" }
        if let (step, first, last) = progression(values), values.count >= 2 {
            let every = step == 1 ? "every \(unit)" : "every \(step) \(unit)s"
            if first == 0 && last + step == cycle { return every }
            if values.count >= 3 { return "\(every) from \(unit) \(first) through \(last)" }
        }
        return "at \(unit)s " + runs(values, name: { String($0) })
    }

    /// The common difference when the values form an arithmetic progression (a single value counts, step 1).
    static func progression(_ values: [Int]) -> (step: Int, first: Int, last: Int)? {
        guard let first = values.first, let last = values.last else { return nil }
        guard values.count > 1 else { return (1, first, last) }
        let step = values[1] - values[0]
        for (earlier, later) in zip(values, values.dropFirst()) where later - earlier != step { return nil }
        return (step, first, last)
    }

    /// Lists values, writing runs of three or more consecutive ones as `a through b`.
    static func runs(_ values: [Int], name: (Int) -> String, through: String = " through ") -> String {
        var parts: [String] = []
        var index = 0
        while index < values.count {
            var end = index
            while end + 1 < values.count && values[end + 1] == values[end] + 1 { end += 1 }
            if end - index >= 2 {
                parts.append(name(values[index]) + through + name(values[end]))
            } else {
                parts.append(contentsOf: values[index...end].map(name))
            }
            index = end + 1
        }
        return list(parts)
    }

    static func list(_ items: [String]) -> String {
        guard let last = items.last else { return "" }
        guard items.count > 1 else { return last }
        return items.dropLast().joined(separator: ", ") + " and " + last
    }

    static func ordinal(_ value: Int) -> String {
        let suffix: String
        switch (value % 10, value % 100) {
        case (_, 11...13): suffix = "th"
        case (1, _): suffix = "st"
        case (2, _): suffix = "nd"
        case (3, _): suffix = "rd"
        default: suffix = "th"
        }
        return "\(value)\(suffix)"
    }

    static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}
