import AgentCore
import Foundation
import Synchronization
import Testing

@testable import AgentScheduling

struct SchedulerRetryTests {
    /// The first (and, for a day, only) fire: one minute after the epoch.
    private static let fire = schedulerEpoch.addingTimeInterval(60)
    private static let daily = ScheduleConfiguration.interval(.seconds(86_400), anchoredAt: fire)

    @Test func retriesFollowTheBackoffExactlyForAFixedSeedAndStopAtTheCap() async throws {
        let retry = RetryPolicy(
            maximumRetries: 3, initialDelay: .seconds(10), multiplier: 2, maximumDelay: .seconds(25), jitter: 0.5)
        let agent = ClosureAgent(
            name: "flaky", schedule: Self.daily, policy: RunPolicy(retry: retry, autoPauseAfterConsecutiveFailures: nil)
        ) { _, _ in throw AgentFailure.transient("connection reset") }
        let harness = try SchedulerHarness(agents: [agent])

        var random = SeededRandomNumberGenerator(seed: 42)
        var expected = [Self.fire]
        for number in 1...3 {
            let delay = retry.delay(forRetry: number, using: &random)
            expected.append(expected[number - 1].addingTimeInterval(delay.timeInterval))
        }
        await harness.tick(at: Self.fire)
        for attempt in 2...4 {
            let wake = await harness.scheduler.nextWake
            #expect(wake == expected[attempt - 1], "attempt \(attempt)")
            await harness.tick(at: try #require(wake))
        }
        // The cap is reached: the scheduler next wakes for tomorrow's fire, not for a fifth attempt.
        #expect(await harness.scheduler.nextWake == Self.fire.addingTimeInterval(86_400))

        let records = try await harness.records()
        #expect(records.map(\.attempt) == [1, 2, 3, 4])
        #expect(records.map(\.queuedAt) == expected.map(Timestamp.roundedToMilliseconds))
        #expect(records.allSatisfy { $0.status == .failed && $0.errorClass == .transient })
        #expect(Set(records.map(\.idempotencyKey)).count == 1)
        let first = try #require(records.first)
        #expect(records.dropFirst().allSatisfy { $0.firstRunID == first.id })
        #expect(records.dropFirst().enumerated().allSatisfy { $1.trigger == .retry(of: first.id, attempt: $0 + 2) })
        #expect(harness.events(.runRetryScheduled).count == 3)
        #expect(await harness.scheduler.agents().first?.consecutiveFailures == 1)
    }

    @Test func permanentFailuresAreNeverRetried() async throws {
        let agent = ClosureAgent(name: "misconfigured", schedule: Self.daily) { _, _ in
            throw AgentFailure.permanent("API token missing: set REPORT_TOKEN")
        }
        let harness = try SchedulerHarness(agents: [agent])
        await harness.tick(at: Self.fire)
        let records = try await harness.records()
        #expect(records.count == 1)
        #expect(records.first?.errorClass == .permanent)
        #expect(harness.events(.runRetryScheduled).isEmpty)
        #expect(await harness.scheduler.nextWake == Self.fire.addingTimeInterval(86_400))
    }

    @Test(arguments: [true, false])
    func aRateLimitedRunIsRetriedAfterTheRetryAfterItGave(returned: Bool) async throws {
        let agent = ClosureAgent(name: "quota", schedule: Self.daily) { _, context in
            guard context.attempt > 1 else {
                guard returned else {
                    throw AgentFailure.rateLimited("429 Too Many Requests", retryAfter: .seconds(300))
                }
                var result = AgentRunResult.rateLimited("429 Too Many Requests", retryAfter: .seconds(300))
                result.counters = ["pagesFetched": 7]
                return result
            }
            return .succeeded()
        }
        let harness = try SchedulerHarness(agents: [agent])
        await harness.tick(at: Self.fire)
        #expect(await harness.scheduler.nextWake == Self.fire.addingTimeInterval(300))
        await harness.tick(at: Self.fire.addingTimeInterval(300))
        let records = try await harness.records()
        #expect(records.map(\.status) == [.failed, .succeeded])
        #expect(records.first?.errorClass == .rateLimited)
        #expect(records.first?.counters == (returned ? ["pagesFetched": 7] : [:]))
    }

    @Test func anAgentIsPausedAfterNConsecutiveFailuresUntilResumed() async throws {
        let healthy = Atomic(false)
        let agent = ClosureAgent(
            name: "broken", schedule: .interval(.seconds(60)),
            policy: RunPolicy(retry: .never, autoPauseAfterConsecutiveFailures: 3)
        ) { _, _ in
            healthy.load(ordering: .relaxed) ? .succeeded() : .failed(.transient, "upstream down")
        }
        let harness = try SchedulerHarness(agents: [agent])
        for minute in 1...3 { await harness.tick(at: schedulerEpoch.addingTimeInterval(Double(minute) * 60)) }

        let paused = try #require(harness.events(.agentPaused).first)
        #expect(paused.pause?.automatic == true)
        let state = try #require(try await harness.store.scheduleState(for: "broken"))
        #expect(state.isPaused)
        #expect(state.pausedReason?.contains("3 consecutive failed runs") == true)
        #expect(state.consecutiveFailures == 3)
        #expect(await harness.scheduler.nextWake == nil)
        // Paused: time passes, nothing runs.
        await harness.tick(at: schedulerEpoch.addingTimeInterval(230))
        #expect(try await harness.records().count == 3)

        healthy.store(true, ordering: .relaxed)
        try await harness.scheduler.resume("broken")
        #expect(harness.events(.agentResumed).count == 1)
        await harness.tick(at: schedulerEpoch.addingTimeInterval(250))
        let records = try await harness.records()
        #expect(records.map(\.status) == [.failed, .failed, .failed, .succeeded])
        #expect(fires(of: records).last == schedulerEpoch.addingTimeInterval(240))
        let resumed = try #require(try await harness.store.scheduleState(for: "broken"))
        #expect(!resumed.isPaused)
        #expect(resumed.consecutiveFailures == 0)
    }
}
