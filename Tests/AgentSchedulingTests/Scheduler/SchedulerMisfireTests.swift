import AgentCore
import AgentStorage
import Foundation
import Testing

@testable import AgentScheduling

struct SchedulerMisfireTests {
    private static func hour(_ count: Double) -> Date { schedulerEpoch.addingTimeInterval(count * 3600) }

    /// Runs an hourly agent for two hours with one scheduler, stops it, lets five fires pass with nothing
    /// running, and restarts a second scheduler on the same store at 07:30.
    private static func restart(
        with policy: MisfirePolicy
    ) async throws -> (harness: SchedulerHarness, records: [RunRecord]) {
        let clock = ManualClock()
        let store = InMemoryAgentStore(clock: clock)
        let agent = probedAgent(
            "hourly", schedule: .interval(.seconds(3600)), policy: RunPolicy(retry: .never, misfire: policy),
            probe: Probe())
        let before = try SchedulerHarness(agents: [agent], clock: clock, store: store)
        await before.tick(at: hour(1))
        await before.tick(at: hour(2))
        await clock.advance(to: hour(7.5))
        let after = try SchedulerHarness(agents: [agent], clock: clock, store: store, owner: "scheduler-b")
        await after.tick(at: hour(7.5))
        return (after, try await after.records())
    }

    @Test func skipRecordsEveryMissedFireAndRunsNone() async throws {
        let (harness, records) = try await Self.restart(with: .skip)
        #expect(records.filter { $0.status == .succeeded }.count == 2)
        let skipped = records.filter { $0.status == .skipped }
        #expect(fires(of: skipped) == [3, 4, 5, 6, 7].map(Self.hour))
        let missed = try #require(harness.events(.scheduleMissed).first)
        #expect(missed.missedFires?.missed == 5)
        #expect(missed.missedFires?.caughtUp == 0)
        #expect(await harness.scheduler.agents().first?.nextFireAt == Self.hour(8))
    }

    @Test func runOnceRunsTheMostRecentMissedFireAndSkipsTheRest() async throws {
        let (harness, records) = try await Self.restart(with: .runOnce())
        let ran = records.filter { $0.status == .succeeded }
        #expect(fires(of: ran) == [1, 2, 7].map(Self.hour))
        #expect(fires(of: records.filter { $0.status == .skipped }) == [3, 4, 5, 6].map(Self.hour))
        #expect(harness.events(.scheduleMissed).first?.missedFires?.caughtUp == 1)
    }

    @Test func runAllRunsTheMostRecentUpToItsLimit() async throws {
        let (_, records) = try await Self.restart(with: .runAll(limit: 3))
        #expect(fires(of: records.filter { $0.status == .succeeded }) == [1, 2, 5, 6, 7].map(Self.hour))
        #expect(fires(of: records.filter { $0.status == .skipped }) == [3, 4].map(Self.hour))
    }

    @Test func theCatchUpWindowBoundsWhatRunsAfterDowntime() async throws {
        let (_, records) = try await Self.restart(with: .runAll(limit: 10, catchUpWindow: .seconds(7200)))
        #expect(fires(of: records.filter { $0.status == .succeeded }) == [1, 2, 6, 7].map(Self.hour))
        #expect(fires(of: records.filter { $0.status == .skipped }) == [3, 4, 5].map(Self.hour))
    }

    @Test func aMissedFireIsRecordedOnceEvenWhenTwoSchedulersCatchUp() async throws {
        let clock = ManualClock()
        let store = InMemoryAgentStore(clock: clock)
        let agent = probedAgent(
            "hourly", schedule: .interval(.seconds(3600)), policy: RunPolicy(retry: .never, misfire: .skip),
            probe: Probe())
        let first = try SchedulerHarness(agents: [agent], clock: clock, store: store)
        await first.tick(at: Self.hour(1))
        let second = try SchedulerHarness(agents: [agent], clock: clock, store: store, owner: "scheduler-b")
        await clock.advance(to: Self.hour(3.5))
        async let one: Void = first.tick(at: Self.hour(3.5))
        async let two: Void = second.tick(at: Self.hour(3.5))
        _ = await (one, two)
        let records = try await first.records()
        // The second scheduler starts fresh (no persisted fire before its start it could have missed) or finds
        // the first one's state; either way fires 02:00 and 03:00 are recorded exactly once.
        let skipped = records.filter { $0.status == .skipped }
        #expect(Set(fires(of: skipped)).count == skipped.count)
        #expect(fires(of: skipped).sorted() == [2, 3].map(Self.hour))
    }
}
