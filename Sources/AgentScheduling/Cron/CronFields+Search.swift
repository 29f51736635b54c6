extension CronFields {
    /// The first local second the engine searches (0001-01-01T00:00:00 on the wall clock).
    static let earliestLocalSecond = CivilCalendar.dayNumber(year: 1, month: 1, day: 1) * CivilCalendar.secondsPerDay

    /// The last local second the engine searches (9999-12-31T23:59:59 on the wall clock).
    static let latestLocalSecond =
        CivilCalendar.dayNumber(year: 9999, month: 12, day: 31) * CivilCalendar.secondsPerDay
        + CivilCalendar.secondsPerDay - 1

    /// The first matching local second at or after `start`, found by jumping through the bit sets: the next
    /// matching month, then day, hour, minute and second, each with one `trailingZeroBitCount`.
    ///
    /// - Parameter start: A local second (wall-clock seconds since 1970-01-01T00:00).
    /// - Returns: The matching local second, or `nil` when there is none up to the end of year 9999.
    /// - Complexity: O(1) per month, day, hour or minute that is skipped as a whole; typically one pass.
    func nextLocalSecond(atOrAfter start: Int) -> Int? {
        guard start <= Self.latestLocalSecond else { return nil }
        let start = max(start, Self.earliestLocalSecond)
        let dayNumber = CivilCalendar.floorDivide(start, by: CivilCalendar.secondsPerDay)
        let secondOfDay = start - dayNumber * CivilCalendar.secondsPerDay
        var (year, month, day) = CivilCalendar.date(dayNumber: dayNumber)
        var hour = secondOfDay / 3600
        var minute = secondOfDay / 60 % 60
        var second = secondOfDay % 60
        var firstOfMonth = dayNumber - (day - 1)
        var days = UInt32(0)
        var daysAreCurrent = false

        while true {
            if months & (1 &<< UInt16(month)) == 0 {
                let later = months & ~((UInt16(2) &<< UInt16(month)) &- 1)
                if later != 0 {
                    month = later.trailingZeroBitCount
                } else {
                    year += 1
                    guard year <= 9999 else { return nil }
                    month = months.trailingZeroBitCount
                }
                day = 1
                hour = 0
                minute = 0
                second = 0
                firstOfMonth = CivilCalendar.dayNumber(year: year, month: month, day: 1)
                daysAreCurrent = false
            }
            if !daysAreCurrent {
                days = matchingDays(year: year, month: month, firstDayNumber: firstOfMonth)
                daysAreCurrent = true
            }
            let laterDays = day > 31 ? 0 : days & (UInt32.max &<< UInt32(day))
            if laterDays == 0 {
                firstOfMonth += CivilCalendar.daysInMonth(year: year, month: month)
                month += 1
                if month > 12 {
                    month = 1
                    year += 1
                    guard year <= 9999 else { return nil }
                }
                day = 1
                hour = 0
                minute = 0
                second = 0
                daysAreCurrent = false
                continue
            }
            let matchingDay = laterDays.trailingZeroBitCount
            if matchingDay != day {
                day = matchingDay
                hour = 0
                minute = 0
                second = 0
            }
            let laterHours = hour > 23 ? 0 : hours & (UInt32.max &<< UInt32(hour))
            if laterHours == 0 {
                day += 1
                hour = 0
                minute = 0
                second = 0
                continue
            }
            let matchingHour = laterHours.trailingZeroBitCount
            if matchingHour != hour {
                hour = matchingHour
                minute = 0
                second = 0
            }
            let laterMinutes = minute > 59 ? 0 : minutes & (UInt64.max &<< UInt64(minute))
            if laterMinutes == 0 {
                hour += 1
                minute = 0
                second = 0
                continue
            }
            let matchingMinute = laterMinutes.trailingZeroBitCount
            if matchingMinute != minute {
                minute = matchingMinute
                second = 0
            }
            let laterSeconds = second > 59 ? 0 : seconds & (UInt64.max &<< UInt64(second))
            if laterSeconds == 0 {
                minute += 1
                second = 0
                continue
            }
            second = laterSeconds.trailingZeroBitCount
            return (firstOfMonth + day - 1) * CivilCalendar.secondsPerDay + hour * 3600 + minute * 60 + second
        }
    }

    /// The last matching local second at or before `start`: the mirror image of ``nextLocalSecond(atOrAfter:)``,
    /// jumping with `leadingZeroBitCount`.
    ///
    /// - Parameter start: A local second (wall-clock seconds since 1970-01-01T00:00).
    /// - Returns: The matching local second, or `nil` when there is none back to the start of year 1.
    /// - Complexity: O(1) per month, day, hour or minute that is skipped as a whole; typically one pass.
    func previousLocalSecond(atOrBefore start: Int) -> Int? {
        guard start >= Self.earliestLocalSecond else { return nil }
        let start = min(start, Self.latestLocalSecond)
        let dayNumber = CivilCalendar.floorDivide(start, by: CivilCalendar.secondsPerDay)
        let secondOfDay = start - dayNumber * CivilCalendar.secondsPerDay
        var (year, month, day) = CivilCalendar.date(dayNumber: dayNumber)
        var hour = secondOfDay / 3600
        var minute = secondOfDay / 60 % 60
        var second = secondOfDay % 60
        var firstOfMonth = dayNumber - (day - 1)
        var days = UInt32(0)
        var daysAreCurrent = false

        while true {
            if months & (1 &<< UInt16(month)) == 0 {
                let earlier = months & ((1 &<< UInt16(month)) &- 1)
                if earlier != 0 {
                    month = UInt16.bitWidth - 1 - earlier.leadingZeroBitCount
                } else {
                    year -= 1
                    guard year >= 1 else { return nil }
                    month = UInt16.bitWidth - 1 - months.leadingZeroBitCount
                }
                day = 31
                hour = 23
                minute = 59
                second = 59
                firstOfMonth = CivilCalendar.dayNumber(year: year, month: month, day: 1)
                daysAreCurrent = false
            }
            if !daysAreCurrent {
                days = matchingDays(year: year, month: month, firstDayNumber: firstOfMonth)
                daysAreCurrent = true
            }
            let earlierDays = day < 0 ? 0 : days & (UInt32.max &>> UInt32(31 - min(day, 31)))
            if earlierDays == 0 {
                month -= 1
                if month < 1 {
                    month = 12
                    year -= 1
                    guard year >= 1 else { return nil }
                }
                firstOfMonth -= CivilCalendar.daysInMonth(year: year, month: month)
                day = 31
                hour = 23
                minute = 59
                second = 59
                daysAreCurrent = false
                continue
            }
            let matchingDay = UInt32.bitWidth - 1 - earlierDays.leadingZeroBitCount
            if matchingDay != day {
                day = matchingDay
                hour = 23
                minute = 59
                second = 59
            }
            let earlierHours = hour < 0 ? 0 : hours & (UInt32.max &>> UInt32(31 - hour))
            if earlierHours == 0 {
                day -= 1
                hour = 23
                minute = 59
                second = 59
                continue
            }
            let matchingHour = UInt32.bitWidth - 1 - earlierHours.leadingZeroBitCount
            if matchingHour != hour {
                hour = matchingHour
                minute = 59
                second = 59
            }
            let earlierMinutes = minute < 0 ? 0 : minutes & (UInt64.max &>> UInt64(63 - minute))
            if earlierMinutes == 0 {
                hour -= 1
                minute = 59
                second = 59
                continue
            }
            let matchingMinute = UInt64.bitWidth - 1 - earlierMinutes.leadingZeroBitCount
            if matchingMinute != minute {
                minute = matchingMinute
                second = 59
            }
            let earlierSeconds = second < 0 ? 0 : seconds & (UInt64.max &>> UInt64(63 - second))
            if earlierSeconds == 0 {
                minute -= 1
                second = 59
                continue
            }
            second = UInt64.bitWidth - 1 - earlierSeconds.leadingZeroBitCount
            return (firstOfMonth + day - 1) * CivilCalendar.secondsPerDay + hour * 3600 + minute * 60 + second
        }
    }
}
