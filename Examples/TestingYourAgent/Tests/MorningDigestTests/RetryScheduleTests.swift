import AgentCore
import AgentScheduling
import AgentStorage
import Foundation
import MorningDigest
import Testing

/// Retries are the scheduler's job: it reads the failure class from the record and waits the policy's backoff,
/// with jitter from the random source in ``SchedulerConfiguration/random``. Seed it and the schedule is exact.
struct RetryScheduleTests {
    @Test func transientFailuresAreRetriedAtTheSeededBackoffTimes() async throws {
        let clock = ManualClock()
        let source = ScriptedSource([.fail(.unavailable), .fail(.unavailable), .entries(4)])
        let agent = MorningDigestAgent(schedule: .manualOnly, source: source)
        let seed: UInt64 = 2026
        let scheduler = try AgentScheduler(
            agents: [agent], store: InMemoryAgentStore(clock: clock), clock: clock,
            configuration: SchedulerConfiguration(random: SeededRandomNumberGenerator(seed: seed)))

        // The same seed replayed through the policy gives the delays the scheduler will draw:
        // 30 s and 60 s of exponential backoff, each shortened by up to 20 % of jitter.
        var replay = SeededRandomNumberGenerator(seed: seed)
        let firstDelay = agent.policy.retry.delay(forRetry: 1, using: &replay)
        let secondDelay = agent.policy.retry.delay(forRetry: 2, using: &replay)
        #expect(firstDelay > .seconds(24) && firstDelay <= .seconds(30))
        #expect(secondDelay > .seconds(48) && secondDelay <= .seconds(60))
        let start = clock.now
        let firstRetry = start.addingTimeInterval(firstDelay.timeInterval)
        let secondRetry = firstRetry.addingTimeInterval(secondDelay.timeInterval)

        var iterator = scheduler.events.subscribe().makeAsyncIterator()
        let serving = Task { try await scheduler.run() }
        let triggered = Task { try await scheduler.trigger(agent.name) }
        for retryAt in [firstRetry, secondRetry] {
            let scheduled = try #require(await nextEvent([.runRetryScheduled], from: &iterator))
            #expect(scheduled.retry?.retryAt == retryAt)
            #expect(clock.now < retryAt)
            await clock.advance(to: retryAt)
        }
        let execution = try await triggered.value
        serving.cancel()
        try await serving.value

        #expect(execution.record.status == .succeeded)
        #expect(execution.record.attempt == 3)
        #expect(execution.record.counters["entries"] == 4)
        #expect(source.callTimes == [start, firstRetry, secondRetry])
    }

    @Test func permanentFailuresAreNotRetried() async throws {
        let clock = ManualClock()
        let source = ScriptedSource([.fail(.unauthorized)])
        let agent = MorningDigestAgent(schedule: .manualOnly, source: source)
        let scheduler = try AgentScheduler(agents: [agent], store: InMemoryAgentStore(clock: clock), clock: clock)

        let execution = try await scheduler.trigger(agent.name)

        #expect(execution.record.status == .failed)
        #expect(execution.record.attempt == 1)
        #expect(source.callTimes.count == 1)
    }
}
