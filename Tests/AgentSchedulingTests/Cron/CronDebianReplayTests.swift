import Foundation
import Testing

@testable import AgentScheduling

/// Compares the engine with an independent oracle: a minute-by-minute replay of Debian cron's main loop
/// (`cron.c`, Vixie cron 3.0pl1 with Debian's time-change handling), using Foundation for every offset and
/// calendar question. The replay keeps Debian's "virtual time" of local minutes and its wake-up cases:
/// - the clock moved one minute: run every job matching the new minute;
/// - it moved 2-5 minutes: run every job for each minute missed;
/// - it moved forward 6 minutes to 3 hours (spring forward): run wildcard jobs for the current minute, then
///   fixed-time jobs for every minute skipped (all at the current instant);
/// - it moved backwards up to 3 hours (fall back): run wildcard jobs only, until the wall clock catches up;
/// - it moved more than 3 hours: reset, run everything for the current minute.
///
/// Our documented choice differs from Debian only for jumps of more than 3 hours (Debian then runs nothing for
/// the skipped hours); windows here avoid them. The replay starts a day before the compared window, so a
/// window that opens inside a repeated hour sees what a long-running daemon would.
struct CronDebianReplayTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var expression: String
        var zone: String
        var transition: Int
        var testDescription: String {
            "\(expression) in \(zone) around \(Date(timeIntervalSince1970: Double(transition)))"
        }
    }

    static let cases: [Case] = {
        var random = SplitMix64(seed: 0xDEB1A4)
        var cases: [Case] = []
        let zones = RandomCron.zoneNames.filter { $0 != "UTC" && $0 != "Asia/Kolkata" && $0 != "Pacific/Apia" }
        for index in 0..<240 {
            let zoneName = zones[index % zones.count]
            guard let zone = TimeZone(identifier: zoneName) else { continue }
            let from = Date(timeIntervalSince1970: Double(Int.random(in: 631_152_000...2_208_988_800, using: &random)))
            guard let transition = zone.nextDaylightSavingTimeTransition(after: from) else { continue }
            let text = RandomCron.expression(using: &random)
            cases.append(Case(expression: text, zone: zoneName, transition: Int(transition.timeIntervalSince1970)))
        }
        return cases
    }()

    @Test func enoughCasesAreGenerated() {
        #expect(Self.cases.count >= 200)
    }

    @Test(arguments: cases)
    func fireTimesEqualDebianCronsReplay(_ testCase: Case) throws {
        let zone = try #require(TimeZone(identifier: testCase.zone))
        let expression = try CronExpression(testCase.expression, timeZone: zone)
        let windowStart = testCase.transition - 36 * 3600
        let windowEnd = testCase.transition + 36 * 3600
        let expected = Self.replay(expression, zone: zone, from: windowStart, to: windowEnd)
        var actual: [Int] = []
        for fire in expression.fireTimes(after: Date(timeIntervalSince1970: Double(windowStart))) {
            let instant = Int(fire.timeIntervalSince1970)
            guard instant <= windowEnd else { break }
            actual.append(instant)
        }
        #expect(actual == expected, "\(Self.describe(actual, zone)) != \(Self.describe(expected, zone))")
    }

    /// The instants in `(from, to]` at which Debian cron would run the job.
    static func replay(_ expression: CronExpression, zone: TimeZone, from: Int, to: Int) -> [Int] {
        func localMinute(_ instant: Int) -> Int {
            let local = instant + zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(instant)))
            return CivilCalendar.floorDivide(local, by: 60)
        }
        func matches(_ minute: Int) -> Bool { expression.matchesLocal(minute * 60) }
        let isWildcard = !expression.isFixedTime
        var instant = (from - 86_400) / 60 * 60
        var virtualTime = localMinute(instant)
        var fires: [Int] = []
        while instant < to {
            instant += 60
            let timeRunning = localMinute(instant)
            let difference = timeRunning - virtualTime
            var fired = false
            if difference == 1 {
                virtualTime = timeRunning
                fired = matches(virtualTime)
            } else if difference > 180 || difference < -180 {
                virtualTime = timeRunning
                fired = matches(timeRunning)
            } else if difference > 5 {
                fired = isWildcard && matches(timeRunning)
                repeat {
                    virtualTime += 1
                    fired = fired || (!isWildcard && matches(virtualTime))
                } while virtualTime < timeRunning
            } else if difference > 0 {
                repeat {
                    virtualTime += 1
                    fired = fired || matches(virtualTime)
                } while virtualTime < timeRunning
            } else {
                fired = isWildcard && matches(timeRunning)
            }
            if fired && instant > from { fires.append(instant) }
        }
        return fires
    }

    static func describe(_ instants: [Int], _ zone: TimeZone) -> String {
        "["
            + instants.prefix(12).map { CronFixtures.format(Date(timeIntervalSince1970: Double($0)), in: zone) }
            .joined(separator: ", ") + (instants.count > 12 ? ", … (\(instants.count))" : "") + "]"
    }
}
