import Foundation
import Testing

@testable import AgentScheduling

/// Properties that hold for every expression, zone and start, checked on seeded random inputs.
///
/// With `F` the set of fire instants of an expression in a zone, `next(after: t)` is the least element of `F`
/// greater than `t` and `previous(before: t)` the greatest element less than `t`. Hence, for every `t` that has
/// both: `previous(before: next(after: t)) <= t < next(after: t)` and
/// `next(after: previous(before: t)) >= t > previous(before: t)`, with equality exactly when `t` is itself a
/// fire time. `F` is fixed by the expression and the zone alone, so the daylight-saving rules (a skipped
/// fixed time fires at the end of the jump, a repeated one only in the first pass) hold in both directions.
struct CronPropertyTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var expression: String
        var zone: String
        var starts: [Double]
        var testDescription: String { "\(expression) in \(zone)" }
    }

    /// 160 random expressions (a quarter with seconds), each in one of the test zones, each with 8 starts:
    /// random instants from 1950 to 2150 and instants just around the zone's offset changes.
    static let cases: [Case] = {
        var random = SplitMix64(seed: 0xC0FFEE)
        var cases: [Case] = []
        for index in 0..<160 {
            let zoneName = RandomCron.zoneNames[index % RandomCron.zoneNames.count]
            let text = RandomCron.expression(using: &random, seconds: index % 4 == 3)
            var starts: [Double] = []
            for _ in 0..<4 {
                starts.append(Double(Int.random(in: -631_152_000...5_680_281_600, using: &random)) + 0.5)
            }
            if let zone = TimeZone(identifier: zoneName) {
                var cursor = Date(timeIntervalSince1970: Double(Int.random(in: 0...2_000_000_000, using: &random)))
                for _ in 0..<2 {
                    guard let transition = zone.nextDaylightSavingTimeTransition(after: cursor) else { break }
                    starts.append(transition.timeIntervalSince1970 - Double(Int.random(in: 0...7200, using: &random)))
                    starts.append(transition.timeIntervalSince1970 + Double(Int.random(in: 0...7200, using: &random)))
                    cursor = transition
                }
            }
            cases.append(Case(expression: text, zone: zoneName, starts: starts))
        }
        return cases
    }()

    @Test(arguments: cases)
    func nextAndPreviousAreMirrorImages(_ testCase: Case) throws {
        let zone = try #require(TimeZone(identifier: testCase.zone))
        let expression = try CronExpression(testCase.expression, timeZone: zone)
        for seconds in testCase.starts {
            let start = Date(timeIntervalSince1970: seconds)
            if let next = expression.next(after: start) {
                #expect(start < next)
                if let back = expression.previous(before: next) {
                    #expect(back <= start, "previous(next(t)) > t for t = \(start)")
                }
            }
            if let previous = expression.previous(before: start) {
                #expect(previous < start)
                if let forward = expression.next(after: previous) {
                    #expect(forward >= start, "next(previous(t)) < t for t = \(start)")
                }
            }
        }
    }

    @Test(arguments: cases)
    func fireTimesIncreaseAndMatchTheExpression(_ testCase: Case) throws {
        let zone = try #require(TimeZone(identifier: testCase.zone))
        let expression = try CronExpression(testCase.expression, timeZone: zone)
        for seconds in testCase.starts.prefix(6) {
            let fires = Array(expression.fireTimes(after: Date(timeIntervalSince1970: seconds)).prefix(12))
            for (earlier, later) in zip(fires, fires.dropFirst()) {
                #expect(earlier < later)
                #expect(expression.previous(before: later) == earlier)
            }
            for fire in fires {
                #expect(fire.timeIntervalSince1970 == fire.timeIntervalSince1970.rounded())
                // Every fire time matches in local time, except a fixed-time expression's single fire at the
                // end of a spring-forward jump that skipped a matching wall time.
                let explained = expression.matchesThroughFoundation(fire) || expression.isSkippedTimeFire(fire)
                #expect(explained, "\(CronFixtures.format(fire, in: zone)) neither matches nor follows a skipped match")
                if !expression.isFixedTime { #expect(expression.matchesThroughFoundation(fire)) }
            }
        }
    }
}
