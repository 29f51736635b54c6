import AgentCore
import AgentScheduling
import AgentStorage
import Foundation
import MorningDigest
import Testing

/// "Fires at 09:00 on weekdays": a whole week of the real scheduler on a manual clock, in milliseconds.
struct WeekdayScheduleTests {
    /// 09:00 in Berlin is 08:00 UTC in winter.
    static let expectedFires = [
        "2026-01-05T08:00:00Z", "2026-01-06T08:00:00Z", "2026-01-07T08:00:00Z", "2026-01-08T08:00:00Z",
        "2026-01-09T08:00:00Z",
    ]

    @Test func firesAtNineOnWeekdaysForAWeek() async throws {
        let start = try instant("2026-01-04T00:00:00Z")  // a Sunday
        let end = start.addingTimeInterval(7 * 86_400)
        let clock = ManualClock(start: start)
        let store = InMemoryAgentStore(clock: clock)
        let source = ScriptedSource([], then: .entries(1))
        let agent = MorningDigestAgent(source: source)
        let scheduler = try AgentScheduler(agents: [agent], store: store, clock: clock)
        var iterator = scheduler.events.subscribe().makeAsyncIterator()
        let serving = Task { try await scheduler.run() }

        // Step from wake-up to wake-up: once the scheduler is the only sleeper (parked until its next fire),
        // move the clock there and wait for that run to end.
        var steps = 0
        while steps < 20 {
            await clock.waitForSleepers(count: 1)
            guard let next = clock.nextDeadline, next <= end else { break }
            await clock.advance(to: next)
            _ = await nextEvent([.runSucceeded, .runFailed, .runTimedOut, .runCancelled], from: &iterator)
            steps += 1
        }
        serving.cancel()
        try await serving.value

        let expected = try Self.expectedFires.map(instant)
        #expect(source.callTimes == expected)
        let records = try await store.queryRuns(RunQuery(agent: agent.name, limit: 50)).records
        #expect(records.compactMap(\.trigger.nominalFireTime).sorted() == expected)
        #expect(records.allSatisfy { $0.status == .succeeded })
    }

    @Test func theCronExpressionAgreesWithTheScheduler() throws {
        let start = try instant("2026-01-04T00:00:00Z")
        let end = start.addingTimeInterval(7 * 86_400)
        let berlin = try #require(TimeZone(identifier: "Europe/Berlin"))
        let cron = try CronExpression("0 9 * * 1-5", timeZone: berlin)

        let fires = Array(cron.fireTimes(after: start).prefix { $0 <= end })

        #expect(fires == (try Self.expectedFires.map(instant)))
    }
}
