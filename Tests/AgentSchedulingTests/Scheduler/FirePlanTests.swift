import AgentCore
import Foundation
import Testing

@testable import AgentScheduling

struct FirePlanTests {
    /// Hourly fires on the hour, from the epoch.
    private static func hourly(_ date: Date) -> Date? {
        let next = (date.timeIntervalSince1970 / 3600).rounded(.down) + 1
        return Date(timeIntervalSince1970: next * 3600)
    }

    private static func hour(_ count: Int) -> Date { schedulerEpoch.addingTimeInterval(Double(count) * 3600) }

    private static func decide(
        from first: Int, now: Date, policy: MisfirePolicy, recordLimit: Int = 100
    ) -> FirePlan {
        FirePlan.decide(
            from: hour(first), now: now, policy: policy, threshold: .seconds(60), recordLimit: recordLimit,
            next: hourly)
    }

    @Test func onTimeFiresRunAndTheNextFireFollows() {
        let plan = Self.decide(from: 1, now: Self.hour(1).addingTimeInterval(30), policy: .skip)
        #expect(plan.run == [Self.hour(1)])
        #expect(plan.missedCount == 0)
        #expect(plan.skipped.isEmpty)
        #expect(plan.lastDue == Self.hour(1))
        #expect(plan.next == Self.hour(2))
    }

    @Test func nothingIsDueBeforeTheFirstFire() {
        let plan = Self.decide(from: 1, now: Self.hour(1).addingTimeInterval(-1), policy: .default)
        #expect(plan == FirePlan(next: Self.hour(1)))
    }

    @Test func skipRunsNoMissedFireAndRecordsEach() {
        let plan = Self.decide(from: 1, now: Self.hour(5).addingTimeInterval(1800), policy: .skip)
        #expect(plan.run.isEmpty)
        #expect(plan.skipped == (1...5).map(Self.hour))
        #expect(plan.missedCount == 5)
        #expect(plan.skippedCount == 5)
        #expect(plan.next == Self.hour(6))
    }

    @Test func runOnceCoalescesTheMissedFiresIntoTheMostRecent() {
        let plan = Self.decide(from: 1, now: Self.hour(5).addingTimeInterval(1800), policy: .runOnce())
        #expect(plan.run == [Self.hour(5)])
        #expect(plan.skipped == (1...4).map(Self.hour))
        #expect(plan.skippedCount == 4)
    }

    @Test func runAllRunsTheMostRecentUpToItsLimitOldestFirst() {
        let plan = Self.decide(from: 1, now: Self.hour(5).addingTimeInterval(1800), policy: .runAll(limit: 3))
        #expect(plan.run == [Self.hour(3), Self.hour(4), Self.hour(5)])
        #expect(plan.skipped == [Self.hour(1), Self.hour(2)])
    }

    @Test func theCatchUpWindowExcludesOlderFires() {
        let now = Self.hour(5).addingTimeInterval(1800)
        let plan = Self.decide(from: 1, now: now, policy: .runAll(limit: 10, catchUpWindow: .seconds(2 * 3600)))
        #expect(plan.run == [Self.hour(4), Self.hour(5)])
        let none = Self.decide(from: 1, now: now, policy: .runOnce(catchUpWindow: .seconds(600)))
        #expect(none.run.isEmpty)
        #expect(none.skippedCount == 5)
    }

    @Test func missedFiresBeyondTheRecordLimitAreCountedNotRecorded() {
        let plan = Self.decide(
            from: 1, now: Self.hour(1000).addingTimeInterval(1800), policy: .runOnce(), recordLimit: 3)
        #expect(plan.run == [Self.hour(1000)])
        #expect(plan.skipped == [Self.hour(997), Self.hour(998), Self.hour(999)])
        #expect(plan.missedCount == 1000)
        #expect(plan.skippedCount == 999)
        #expect(plan.firstMissed == Self.hour(1))
        #expect(plan.lastMissed == Self.hour(1000))
    }

    @Test func lateFiresAndOnTimeFiresAreDecidedApart() {
        // Downtime ended 30 s after the 06:00 fire: 06:00 is on time, the five before it were missed.
        let plan = Self.decide(from: 1, now: Self.hour(6).addingTimeInterval(30), policy: .runOnce())
        #expect(plan.run == [Self.hour(5), Self.hour(6)])
        #expect(plan.missedCount == 5)
    }
}
