import Foundation
import Testing

@testable import AgentScheduling

/// The 300 expected-fire-time cases of the cron specification, compared by instant and by UTC offset.
struct CronVectorTests {
    @Test func allVectorsAreLoaded() {
        #expect(CronFixtures.vectors.count == 300)
    }

    @Test(arguments: CronFixtures.vectors)
    func nextFireTimesMatchDebianCron(_ vector: CronFixtures.Vector) throws {
        let zone = try #require(CronFixtures.zone(vector.tz))
        let start = try #require(CronFixtures.instant(vector.start))
        let expression = try CronExpression(vector.expr, timeZone: zone)

        let fromSequence = expression.fireTimes(after: start).prefix(vector.next.count).map {
            CronFixtures.format($0, in: zone)
        }
        #expect(fromSequence == vector.next)

        var chained: [String] = []
        var cursor = start
        for _ in vector.next {
            guard let fire = expression.next(after: cursor) else { break }
            chained.append(CronFixtures.format(fire, in: zone))
            cursor = fire
        }
        #expect(chained == vector.next)
    }

    @Test(arguments: CronFixtures.vectors)
    func previousWalksTheSameFireTimesBackwards(_ vector: CronFixtures.Vector) throws {
        let zone = try #require(CronFixtures.zone(vector.tz))
        let start = try #require(CronFixtures.instant(vector.start))
        let expression = try CronExpression(vector.expr, timeZone: zone)
        let fires = vector.next.compactMap(CronFixtures.instant)
        try #require(fires.count == vector.next.count)
        for (earlier, later) in zip(fires, fires.dropFirst()) {
            #expect(expression.previous(before: later) == earlier)
        }
        let beforeFirst = try #require(expression.previous(before: fires[0]))
        #expect(beforeFirst <= start)
    }
}
