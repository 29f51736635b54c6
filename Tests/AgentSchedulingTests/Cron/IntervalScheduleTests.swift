import Foundation
import Testing

@testable import AgentScheduling

/// Interval schedules: a grid of fires at `anchor + k × interval`.
struct IntervalScheduleTests {
    @Test func withoutAnAnchorTheGridIsAlignedToTheEpoch() throws {
        let hourly = try #require(IntervalSchedule(every: .seconds(3600)))
        let start = Date(timeIntervalSince1970: 1_700_000_123)
        #expect(hourly.next(after: start) == Date(timeIntervalSince1970: 1_700_002_800))
        #expect(hourly.previous(before: start) == Date(timeIntervalSince1970: 1_699_999_200))
        // Strictly after and strictly before.
        let onGrid = Date(timeIntervalSince1970: 1_699_999_200)
        #expect(hourly.next(after: onGrid) == Date(timeIntervalSince1970: 1_700_002_800))
        #expect(hourly.previous(before: onGrid) == Date(timeIntervalSince1970: 1_699_995_600))
    }

    @Test func anAnchorShiftsTheGridBothWays() throws {
        let anchor = Date(timeIntervalSince1970: 1_700_000_000)
        let schedule = try #require(IntervalSchedule(every: .seconds(90), anchoredAt: anchor))
        #expect(schedule.next(after: anchor) == anchor.addingTimeInterval(90))
        #expect(schedule.previous(before: anchor) == anchor.addingTimeInterval(-90))
        #expect(schedule.next(after: anchor.addingTimeInterval(-100)) == anchor.addingTimeInterval(-90))
    }

    @Test func subSecondIntervalsStayOnTheGrid() throws {
        let schedule = try #require(IntervalSchedule(every: .milliseconds(250)))
        var cursor = Date(timeIntervalSince1970: 1_700_000_000.1)
        for _ in 0..<1000 {
            let next = try #require(schedule.next(after: cursor))
            #expect(next > cursor)
            #expect(next.timeIntervalSince(cursor) <= 0.25 + 1e-6)
            #expect(schedule.previous(before: next).map { $0 <= cursor } == true)
            cursor = next
        }
    }

    @Test func randomStartsSatisfyTheMirrorProperty() throws {
        var random = SplitMix64(seed: 0x1A7)
        for _ in 0..<2000 {
            let interval = Duration.milliseconds(Int64.random(in: 1...86_400_000, using: &random))
            let anchor = Date(
                timeIntervalSince1970: Double(Int.random(in: -1_000_000_000...4_000_000_000, using: &random)))
            let schedule = try #require(IntervalSchedule(every: interval, anchoredAt: anchor))
            let start = Date(timeIntervalSince1970: Double.random(in: -2e9...6e9, using: &random))
            let next = try #require(schedule.next(after: start))
            let previous = try #require(schedule.previous(before: start))
            #expect(previous < start && start < next)
            #expect(try #require(schedule.previous(before: next)) <= start)
            #expect(try #require(schedule.next(after: previous)) >= start)
        }
    }

    @Test func invalidIntervalsAreRejected() {
        #expect(IntervalSchedule(every: .zero) == nil)
        #expect(IntervalSchedule(every: .seconds(-5)) == nil)
        #expect(IntervalSchedule(every: .microseconds(10)) == nil)
        #expect(IntervalSchedule(every: .seconds(5), anchoredAt: Date(timeIntervalSince1970: .nan)) == nil)
    }

    @Test func edgesAndNonFiniteDates() throws {
        let schedule = try #require(IntervalSchedule(every: .seconds(60)))
        #expect(schedule.next(after: Date(timeIntervalSince1970: .nan)) == nil)
        #expect(schedule.previous(before: Date(timeIntervalSince1970: .infinity)) == nil)
        #expect(schedule.next(after: Date(timeIntervalSince1970: 1e13)) == nil)
    }

    @Test(arguments: [
        (Duration.seconds(900), "every 15 minutes"), (.seconds(3600), "every hour"), (.seconds(7200), "every 2 hours"),
        (.seconds(86_400), "every day"), (.seconds(90), "every 90 seconds"), (.milliseconds(1500), "every 1.5 seconds"),
    ])
    func describesTheInterval(_ interval: Duration, _ expected: String) throws {
        #expect(try #require(IntervalSchedule(every: interval)).description == expected)
    }
}
