import Foundation
import Testing

@testable import AgentScheduling

/// The integer tables the engine uses instead of Foundation agree with Foundation, for every zone it knows, from
/// before the first transition to year 9999 (beyond 2500 through the 400-year folding).
struct ZoneRulesTests {
    @Test func offsetsAgreeWithFoundationInEveryKnownZone() {
        var random = SplitMix64(seed: 0x7A7A)
        var mismatches: [String] = []
        for identifier in TimeZone.knownTimeZoneIdentifiers {
            guard let zone = TimeZone(identifier: identifier) else { continue }
            let rules = ZoneRules.shared(for: zone)
            for index in 0..<60 {
                // Years 1800-9999, with a third of the samples in 1970-2100.
                let instant =
                    index % 3 == 0
                    ? Int.random(in: 0...4_102_444_800, using: &random)
                    : Int.random(in: -5_364_662_400...253_402_300_799, using: &random)
                let expected = zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(instant)))
                let segment = rules.segment(containing: instant)
                if segment.offset != expected || instant < segment.start || instant >= segment.end {
                    mismatches.append("\(identifier) at \(instant): \(segment.offset) != \(expected)")
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
    }

    @Test(arguments: RandomCron.zoneNames)
    func segmentEdgesAreTheTransitions(_ identifier: String) throws {
        let zone = try #require(TimeZone(identifier: identifier))
        let rules = ZoneRules.shared(for: zone)
        var cursor = Date(timeIntervalSince1970: 0)
        for _ in 0..<40 {
            guard let transition = zone.nextDaylightSavingTimeTransition(after: cursor) else { break }
            let instant = Int(transition.timeIntervalSince1970)
            let before = zone.secondsFromGMT(for: transition.addingTimeInterval(-1))
            let after = zone.secondsFromGMT(for: transition)
            if before != after {
                #expect(rules.segment(containing: instant).start == instant)
                #expect(rules.segment(containing: instant - 1).end == instant)
                #expect(rules.segment(containing: instant).offset == after)
                #expect(rules.segment(containing: instant - 1).offset == before)
            }
            cursor = transition
        }
        // Folded far-future segments line up with Foundation too.
        let farFuture = Date(timeIntervalSince1970: 200_000_000_000)
        if let transition = zone.nextDaylightSavingTimeTransition(after: farFuture) {
            let instant = Int(transition.timeIntervalSince1970)
            #expect(rules.segment(containing: instant).start == instant)
            #expect(rules.segment(containing: instant).offset == zone.secondsFromGMT(for: transition))
        }
    }

    @Test func zonesWithoutTransitionsAreAFixedOffset() throws {
        #expect(ZoneRules.shared(for: try #require(TimeZone(identifier: "UTC"))).fixedOffset == 0)
        #expect(ZoneRules.shared(for: try #require(TimeZone(secondsFromGMT: 19_800))).fixedOffset == 19_800)
        #expect(ZoneRules.shared(for: try #require(TimeZone(identifier: "America/New_York"))).fixedOffset == nil)
    }

    @Test func concurrentFirstUseOfAZoneAgrees() async throws {
        // Whichever task (or test) gets there first builds the table; every task must see the same fire times.
        let zone = try #require(TimeZone(identifier: "Europe/Lisbon"))
        let expression = try CronExpression("30 1 * * *", timeZone: zone)
        let start = Date(timeIntervalSince1970: 1_711_800_000)  // 2024-03-30, the night before the jump
        let results = await withTaskGroup(of: [Date].self) { group in
            for _ in 0..<8 {
                group.addTask { Array(expression.fireTimes(after: start).prefix(30)) }
            }
            var all: [[Date]] = []
            for await result in group { all.append(result) }
            return all
        }
        #expect(results.count == 8)
        #expect(Set(results).count == 1)
    }

    @Test func rulesAreSharedPerZone() throws {
        let zone = try #require(TimeZone(identifier: "Europe/Berlin"))
        #expect(ZoneRules.shared(for: zone) === ZoneRules.shared(for: zone))
    }
}

/// The integer calendar agrees with Foundation's Gregorian calendar (from 1600, where Foundation is Gregorian).
struct CivilCalendarTests {
    @Test func dayNumbersRoundTripAndAgreeWithFoundation() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? .gmt
        var random = SplitMix64(seed: 0xCA1)
        for _ in 0..<20_000 {
            let day = Int.random(in: -135_000...2_932_896, using: &random)  // 1600-01-01 ... 9999-12-31
            let civil = CivilCalendar.date(dayNumber: day)
            #expect(CivilCalendar.dayNumber(year: civil.year, month: civil.month, day: civil.day) == day)
            let parts = calendar.dateComponents(
                [.year, .month, .day, .weekday], from: Date(timeIntervalSince1970: Double(day) * 86_400))
            #expect(parts.year == civil.year && parts.month == civil.month && parts.day == civil.day)
            #expect(parts.weekday == CivilCalendar.weekday(dayNumber: day) + 1)
        }
    }

    @Test func leapYears() {
        #expect(CivilCalendar.isLeapYear(2000))
        #expect(CivilCalendar.isLeapYear(2024))
        #expect(!CivilCalendar.isLeapYear(2100))
        #expect(!CivilCalendar.isLeapYear(1900))
        #expect(CivilCalendar.daysInMonth(year: 2100, month: 2) == 28)
        #expect(CivilCalendar.daysInMonth(year: 2400, month: 2) == 29)
        #expect(CivilCalendar.date(dayNumber: -719_162) == (1, 1, 1))
    }
}
