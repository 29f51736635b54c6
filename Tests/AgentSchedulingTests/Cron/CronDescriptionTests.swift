import Testing

@testable import AgentScheduling

/// Plain-English descriptions, for people who check schedules by reading them.
struct CronDescriptionTests {
    @Test(arguments: [
        ("* * * * *", "every minute"),
        ("*/5 * * * *", "every 5 minutes"),
        ("0 * * * *", "every hour at minute 0"),
        ("@hourly", "every hour at minute 0"),
        ("0 0 * * *", "at 00:00 every day"),
        ("30 2 * * *", "at 02:30 every day"),
        ("0 9 * * 1-5", "at 09:00 on Monday through Friday"),
        ("*/15 9-17 * * 1-5", "every 15 minutes from 09:00 to 17:45 on Monday through Friday"),
        ("*/30 9-17 * * MON-FRI", "every 30 minutes from 09:00 to 17:30 on Monday through Friday"),
        ("0 2 * * 0", "at 02:00 on Sunday"),
        ("@weekly", "at 00:00 on Sunday"),
        ("0 0 1 * *", "at 00:00 on the 1st of the month"),
        ("0 0 1 1 *", "at 00:00 on the 1st of January"),
        ("0 0 29 2 *", "at 00:00 on the 29th of February"),
        ("59 23 31 12 *", "at 23:59 on the 31st of December"),
        ("30 4 1,15 * 5", "at 04:30 on the 1st and 15th of the month and on every Friday"),
        ("0 0 */100,13 * 5", "at 00:00 on the 1st and 13th of the month if it is a Friday"),
        ("0 12 * JAN,APR,JUL,OCT MON", "at 12:00 on Monday in January, April, July and October"),
        ("5,35 */2 1-15 * *", "at minutes 5 and 35 past every 2nd hour on the 1st through the 15th of the month"),
        ("0 */6 * * *", "every 6 hours from 00:00 to 18:00 every day"),
        ("5 9-17/2 * * *", "every 2 hours from 09:05 to 17:05 every day"),
        ("0,30 9,17 * * *", "at 09:00, 09:30, 17:00 and 17:30 every day"),
        ("* 2 * * *", "every minute from 02:00 to 02:59 every day"),
        ("10-20 * * * *", "every minute from minute 10 through 20 of every hour"),
        ("0 0 * 3-6 *", "at 00:00 every day in March through June"),
        ("*/10 * * * * *", "every 10 seconds"),
        ("15 30 2 * * *", "at 02:30:15 every day"),
        ("30 * * * * *", "every minute at second 30"),
    ])
    func describesTheSchedule(_ text: String, _ expected: String) throws {
        #expect(try CronExpression(text).description == expected)
    }
}

/// Parse errors name the field, the position and the reason, in the documented format.
struct CronParseErrorTests {
    func parseError(_ text: String) -> CronParseError? {
        do {
            _ = try CronExpression(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func messagesFollowTheDocumentedFormat() throws {
        let outOfRange = try #require(parseError("60 * * * *"))
        #expect(outOfRange.description == "minute: 60 is out of range 0-59")
        #expect(outOfRange.code == .outOfRange)
        #expect(outOfRange.field == .minute)
        #expect(outOfRange.position == 0)

        let impossible = try #require(parseError("0 0 31 2 *"))
        #expect(impossible.description == "day-of-month: 31 never occurs in February (0 0 31 2 *)")
        #expect(impossible.code == .impossibleDate)
        #expect(impossible.position == 4)

        let months = try #require(parseError("0 0 31 4,6,9,11 *"))
        #expect(
            months.description
                == "day-of-month: 31 never occurs in April, June, September or November (0 0 31 4,6,9,11 *)")
    }

    @Test(arguments: [
        ("0 0 * * MON,8", CronParseError.Code.outOfRange, CronField.dayOfWeek, 12),
        ("0 0-24 * * *", .outOfRange, .hour, 4),
        ("0 0 * DEC-JAN *", .reversedRange, .month, 6),
        ("*/0 * * * *", .invalidStep, .minute, 2),
        ("0 0 * * 1#6", .syntax, .dayOfWeek, 9),
        ("0 0 * MON *", .invalidName, .month, 6),
        ("0 ５ * * *", .syntax, .hour, 2),
        ("é 5 * * *", .syntax, .minute, 0),
        ("0 0 1,,2 * *", .syntax, .dayOfMonth, 6),
        ("0 0 * * * 70", .outOfRange, .dayOfWeek, 10),
    ])
    func errorsPointAtTheField(_ text: String, _ code: CronParseError.Code, _ field: CronField, _ position: Int) throws
    {
        let error = try #require(parseError(text))
        #expect(error.code == code)
        #expect(error.field == field)
        #expect(error.position == position)
    }

    @Test func wholeExpressionErrorsHaveNoField() throws {
        for text in ["", "* * * *", "* * * * * * *", "@every 5m", "@reboot", "@Daily"] {
            let error = try #require(parseError(text))
            #expect(error.field == nil)
            #expect(error.description == error.reason)
        }
        #expect(parseError("@reboot")?.reason.contains("no fire times") == true)
        #expect(parseError("@Daily")?.reason.contains("@daily") == true)
        #expect(parseError("* * * * * * *")?.position == 12)
    }

    @Test func impossibleDatesAreRejectedOnlyWhenTheDayFieldsAreAnded() throws {
        // Day-of-month 31 never occurs in February, but the ORed weekday still fires: accepted, as in Debian.
        #expect(parseError("0 0 31 2 1") == nil)
        #expect(parseError("0 0 30 2 */2") != nil)
        #expect(parseError("0 0 29 2 *") == nil)
    }
}
