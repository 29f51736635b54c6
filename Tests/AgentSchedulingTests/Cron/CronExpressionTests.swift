import Foundation
import Testing

@testable import AgentScheduling

/// Named behaviours of the cron engine: the day rule, the daylight-saving rules, leap years, seconds, the
/// edges of the supported range.
struct CronExpressionTests {
    static let newYork = TimeZone(identifier: "America/New_York") ?? .gmt
    static let utc = TimeZone(identifier: "UTC") ?? .gmt

    func fires(_ text: String, in zone: TimeZone = utc, after start: String, count: Int) throws -> [String] {
        let expression = try CronExpression(text, timeZone: zone)
        let start = try #require(CronFixtures.instant(start))
        return expression.fireTimes(after: start).prefix(count).map { CronFixtures.format($0, in: zone) }
    }

    @Test func dayOfMonthOrDayOfWeekWhenBothAreRestricted() throws {
        let days = try fires("30 4 1,15 * 5", after: "2024-02-29T12:00:00Z", count: 7).map { String($0.prefix(10)) }
        #expect(
            days == ["2024-03-01", "2024-03-08", "2024-03-15", "2024-03-22", "2024-03-29", "2024-04-01", "2024-04-05"])
    }

    @Test func aDayFieldStartingWithStarIsAndedWithTheOther() throws {
        let days = try fires("0 0 */2 * 1", after: "2023-12-31T12:00:00Z", count: 5).map { String($0.prefix(10)) }
        #expect(days == ["2024-01-01", "2024-01-15", "2024-01-29", "2024-02-05", "2024-02-19"])
        let fridays = try fires("0 0 */100,13 * 5", after: "2024-01-01T00:00:00Z", count: 5).map {
            String($0.prefix(10))
        }
        #expect(fridays == ["2024-03-01", "2024-09-13", "2024-11-01", "2024-12-13", "2025-06-13"])
    }

    @Test func aSkippedFixedTimeFiresOnceAtTheEndOfTheJump() throws {
        #expect(
            try fires("0,15,30,45 2 * * *", in: Self.newYork, after: "2024-03-10T01:50:00-05:00", count: 2) == [
                "2024-03-10T03:00:00-04:00", "2024-03-11T02:00:00-04:00",
            ])
        // A match at the first wall time after the jump shares that single fire.
        #expect(
            try fires("30 2,3 * * *", in: Self.newYork, after: "2024-03-10T01:50:00-05:00", count: 2) == [
                "2024-03-10T03:00:00-04:00", "2024-03-10T03:30:00-04:00",
            ])
    }

    @Test func aSkippedWildcardTimeDoesNotFire() throws {
        #expect(
            try fires("*/20 2,3 * * *", in: Self.newYork, after: "2024-03-10T01:50:00-05:00", count: 2) == [
                "2024-03-10T03:00:00-04:00", "2024-03-10T03:20:00-04:00",
            ])
    }

    @Test func aRepeatedFixedTimeFiresOnlyInTheFirstPass() throws {
        #expect(
            try fires("30 1 * * *", in: Self.newYork, after: "2024-11-03T00:00:00-04:00", count: 2) == [
                "2024-11-03T01:30:00-04:00", "2024-11-04T01:30:00-05:00",
            ])
    }

    @Test func aRepeatedWildcardTimeFiresInBothPasses() throws {
        #expect(
            try fires("*/30 1 * * *", in: Self.newYork, after: "2024-11-03T00:00:00-04:00", count: 5) == [
                "2024-11-03T01:00:00-04:00", "2024-11-03T01:30:00-04:00", "2024-11-03T01:00:00-05:00",
                "2024-11-03T01:30:00-05:00", "2024-11-04T01:00:00-05:00",
            ])
    }

    @Test func aStartInsideTheSecondPassWaitsForTheWallClockToLeaveIt() throws {
        #expect(
            try fires("45 1 * * *", in: Self.newYork, after: "2024-11-03T01:10:00-05:00", count: 1) == [
                "2024-11-04T01:45:00-05:00"
            ])
        #expect(
            try fires("5 2 * * *", in: Self.newYork, after: "2024-11-03T01:10:00-05:00", count: 1) == [
                "2024-11-03T02:05:00-05:00"
            ])
    }

    @Test func thirtyAndFortyFiveMinuteZones() throws {
        let lordHowe = try #require(TimeZone(identifier: "Australia/Lord_Howe"))
        // 2024-10-06 02:00 +10:30 becomes 02:30 +11:00.
        #expect(
            try fires("15 2 * * *", in: lordHowe, after: "2024-10-05T12:00:00+10:30", count: 2) == [
                "2024-10-06T02:30:00+11:00", "2024-10-07T02:15:00+11:00",
            ])
        let chatham = try #require(TimeZone(identifier: "Pacific/Chatham"))
        // 2024-09-29 02:45 +12:45 becomes 03:45 +13:45.
        #expect(
            try fires("0 3 * * *", in: chatham, after: "2024-09-28T12:00:00+12:45", count: 2) == [
                "2024-09-29T03:45:00+13:45", "2024-09-30T03:00:00+13:45",
            ])
        let kolkata = try #require(TimeZone(identifier: "Asia/Kolkata"))
        #expect(
            try fires("0 9 * * *", in: kolkata, after: "2024-01-01T00:00:00Z", count: 1) == [
                "2024-01-01T09:00:00+05:30"
            ])
    }

    @Test func aSkippedDayIsAJumpLikeAnyOther() throws {
        // Samoa skipped 30 December 2011: 23:59:59 -10:00 on the 29th was followed by 00:00 +14:00 on the 31st.
        let apia = try #require(TimeZone(identifier: "Pacific/Apia"))
        #expect(
            try fires("0 12 * * *", in: apia, after: "2011-12-29T13:00:00-10:00", count: 2) == [
                "2011-12-31T00:00:00+14:00", "2011-12-31T12:00:00+14:00",
            ])
        #expect(
            try fires("0 */6 * * *", in: apia, after: "2011-12-29T19:00:00-10:00", count: 2) == [
                "2011-12-31T00:00:00+14:00", "2011-12-31T06:00:00+14:00",
            ])
    }

    @Test func leapYearsFollowTheCenturyRule() throws {
        #expect(
            try fires("0 0 29 2 *", after: "2096-03-01T00:00:00Z", count: 2) == [
                "2104-02-29T00:00:00+00:00", "2108-02-29T00:00:00+00:00",
            ])
        #expect(try fires("0 0 29 2 *", after: "1999-03-01T00:00:00Z", count: 1) == ["2000-02-29T00:00:00+00:00"])
        let expression = try CronExpression("0 0 29 2 *")
        let start = try #require(CronFixtures.instant("2104-01-01T00:00:00Z"))
        #expect(
            expression.previous(before: start).map { CronFixtures.format($0, in: Self.utc) }
                == "2096-02-29T00:00:00+00:00")
    }

    @Test func aLeadingSecondsFieldIsSupported() throws {
        #expect(
            try fires("*/20 * * * * *", after: "2024-01-01T00:00:00Z", count: 4) == [
                "2024-01-01T00:00:20+00:00", "2024-01-01T00:00:40+00:00", "2024-01-01T00:01:00+00:00",
                "2024-01-01T00:01:20+00:00",
            ])
        #expect(try fires("15 30 2 * * *", after: "2024-01-01T00:00:00Z", count: 1) == ["2024-01-01T02:30:15+00:00"])
        #expect(try CronExpression("0 * * * * *").hasSecondsField)
        #expect(try !CronExpression("* * * * *").hasSecondsField)
    }

    @Test func aFractionalStartIsHonoured() throws {
        let expression = try CronExpression("* * * * * *")
        let start = Date(timeIntervalSince1970: 1_700_000_000.25)
        #expect(expression.next(after: start) == Date(timeIntervalSince1970: 1_700_000_001))
        #expect(expression.previous(before: start) == Date(timeIntervalSince1970: 1_700_000_000))
        #expect(
            expression.next(after: Date(timeIntervalSince1970: 1_700_000_000))
                == Date(timeIntervalSince1970: 1_700_000_001))
    }

    @Test func theSearchEndsAtTheEdgesOfYears1And9999() throws {
        // Proleptic Gregorian instants (Foundation's calendar switches to Julian before 1582, so no formatting).
        let firstOfYear1 = Date(timeIntervalSince1970: -62_135_596_800)
        let firstOfYear9999 = Date(timeIntervalSince1970: 253_370_764_800)
        let yearly = try CronExpression("0 0 1 1 *")
        #expect(yearly.next(after: firstOfYear9999) == nil)
        #expect(yearly.previous(before: firstOfYear9999.addingTimeInterval(86_400)) == firstOfYear9999)
        #expect(yearly.previous(before: firstOfYear1.addingTimeInterval(86_400)) == firstOfYear1)
        #expect(yearly.previous(before: firstOfYear1) == nil)
        #expect(yearly.next(after: Date(timeIntervalSince1970: 1e12)) == nil)
        #expect(yearly.previous(before: Date(timeIntervalSince1970: -1e12)) == nil)
        #expect(yearly.next(after: Date(timeIntervalSince1970: -1e12)) == firstOfYear1)
        #expect(yearly.previous(before: Date(timeIntervalSince1970: 1e12)) == firstOfYear9999)
        #expect(Array(yearly.fireTimes(after: firstOfYear9999)).isEmpty)
    }

    @Test func nonFiniteDatesHaveNoFireTimes() throws {
        let expression = try CronExpression("* * * * *", timeZone: Self.newYork)
        for seconds in [Double.nan, .infinity, -.infinity, .greatestFiniteMagnitude, -.greatestFiniteMagnitude] {
            let date = Date(timeIntervalSince1970: seconds)
            _ = expression.next(after: date)
            _ = expression.previous(before: date)
            #expect(!expression.matches(date) || seconds.isFinite)
        }
        #expect(expression.next(after: Date(timeIntervalSince1970: .nan)) == nil)
        #expect(expression.previous(before: Date(timeIntervalSince1970: .nan)) == nil)
    }

    @Test(arguments: [
        ("0 2 * * *", true), ("0-59/15 1-3 * * *", true), ("@daily", true), ("@yearly", true), ("@weekly", true),
        ("@hourly", false), ("*/15 1-3 * * *", false), ("0 * * * *", false), ("* 2 * * *", false),
        ("0 */2 * * *", false), ("30 0 2 * * *", true), ("* 0 2 * * *", true),
    ])
    func fixedTimeMeansNeitherMinuteNorHourStartsWithStar(_ text: String, _ isFixed: Bool) throws {
        #expect(try CronExpression(text).isFixedTime == isFixed)
    }

    @Test func macrosExpandToTheirFields() throws {
        #expect(try CronExpression("@daily") == CronExpression("0 0 * * *"))
        #expect(try CronExpression("@midnight") == CronExpression("0 0 * * *"))
        #expect(try CronExpression("@yearly") == CronExpression("0 0 1 1 *"))
        #expect(try CronExpression("@annually") == CronExpression("0 0 1 jan *"))
        #expect(try CronExpression("@monthly") == CronExpression("0 0 1 * *"))
        #expect(try CronExpression("@weekly") == CronExpression("0 0 * * sun"))
        #expect(try CronExpression("@hourly") == CronExpression("0 * * * *"))
        #expect(try CronExpression("@daily") != CronExpression("@daily", timeZone: Self.newYork))
        #expect(try CronExpression("  0 0 * * *\t") == CronExpression("0 0 * * *"))
    }

    @Test func namesAreCaseInsensitiveAndSevenIsSunday() throws {
        #expect(try CronExpression("0 0 * jan-MAR Mon-fri") == CronExpression("0 0 * 1-3 1-5"))
        #expect(try CronExpression("0 0 * * 7") == CronExpression("0 0 * * 0"))
        #expect(try CronExpression("0 0 * * 5-7") == CronExpression("0 0 * * 0,5,6"))
        #expect(try CronExpression("5/15 * * * *") == CronExpression("5-59/15 * * * *"))
    }

    @Test func anotherZoneCanBeGivenPerCall() throws {
        let utcExpression = try CronExpression("30 2 * * *")
        let bound = utcExpression.inTimeZone(Self.newYork)
        let start = try #require(CronFixtures.instant("2024-03-09T12:00:00Z"))
        #expect(utcExpression.next(after: start, in: Self.newYork) == bound.next(after: start))
        #expect(
            bound.next(after: start).map { CronFixtures.format($0, in: Self.newYork) } == "2024-03-10T03:00:00-04:00")
        #expect(utcExpression.previous(before: start, in: Self.newYork) == bound.previous(before: start))
        #expect(bound.timeZone.identifier == "America/New_York")
    }

    @Test func matchesTestsTheWallClockFields() throws {
        let expression = try CronExpression("30 2 * * 1-5", timeZone: Self.newYork)
        #expect(expression.matches(try #require(CronFixtures.instant("2024-03-11T02:30:00-04:00"))))
        #expect(!expression.matches(try #require(CronFixtures.instant("2024-03-10T03:00:00-04:00"))))
        #expect(!expression.matches(try #require(CronFixtures.instant("2024-03-16T02:30:00-04:00"))))
    }
}
