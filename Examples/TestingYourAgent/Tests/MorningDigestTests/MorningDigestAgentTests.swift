import AgentCore
import AgentScheduling
import AgentStorage
import Foundation
import MorningDigest
import Testing

/// One run at a time through the orchestrator, on a manual clock and the in-memory store: what an agent author
/// asserts about a single run.
struct MorningDigestAgentTests {
    @Test func aRunWithEntriesSucceedsAndRecordsTheCount() async throws {
        let clock = ManualClock()
        let store = InMemoryAgentStore(clock: clock)
        let orchestrator = Orchestrator(store: store, clock: clock)
        let agent = MorningDigestAgent(source: ScriptedSource([.entries(3)]))

        let execution = try await orchestrator.execute(AgentRunRequest(agent: agent.name), agent: agent)

        #expect(execution.disposition == .executed)
        let record = execution.record
        #expect(record.status == .succeeded)
        #expect(record.summary == "digest of 3 entries")
        #expect(record.counters == ["entries": 3])
        #expect(record.logExcerpt.contains { $0.contains("fetching entries (attempt 1)") })
        #expect(record.startedAt == clock.now)
        #expect(record.endedAt == clock.now)
        // The record the orchestrator returned is the one in the store.
        #expect(try await store.run(id: record.id) == record)
    }

    @Test func theSameRequestTwiceRunsOnce() async throws {
        let clock = ManualClock()
        let store = InMemoryAgentStore(clock: clock)
        let orchestrator = Orchestrator(store: store, clock: clock)
        let source = ScriptedSource([.entries(2)])
        let agent = MorningDigestAgent(source: source)
        let request = AgentRunRequest(agent: agent.name, parameters: ["team": "platform"])

        let first = try await orchestrator.execute(request, agent: agent)
        let second = try await orchestrator.execute(request, agent: agent)

        #expect(second.disposition == .duplicate)
        #expect(second.record.id == first.record.id)
        #expect(source.callTimes.count == 1)
    }

    @Test func anEmptyDigestIsANoOp() async throws {
        let clock = ManualClock()
        let orchestrator = Orchestrator(store: InMemoryAgentStore(clock: clock), clock: clock)
        let agent = MorningDigestAgent(source: ScriptedSource([.entries(0)]))

        let record = try await orchestrator.execute(AgentRunRequest(agent: agent.name), agent: agent).record

        #expect(record.status == .noOp)
        #expect(record.summary == "no new entries")
    }

    @Test func refusedCredentialsArePermanentFailures() async throws {
        let clock = ManualClock()
        let orchestrator = Orchestrator(store: InMemoryAgentStore(clock: clock), clock: clock)
        let agent = MorningDigestAgent(source: ScriptedSource([.fail(.unauthorized)]))

        let record = try await orchestrator.execute(AgentRunRequest(agent: agent.name), agent: agent).record

        // A failed run is an outcome, not a thrown error: execute returned, and the record says why.
        #expect(record.status == .failed)
        #expect(record.errorClass == .permanent)
        #expect(record.errorMessage?.contains("renew the token") == true)
        #expect(agent.policy.retry.retries(.permanent) == false)
    }

    @Test func aRateLimitCarriesTheServicesRetryAfter() async throws {
        let clock = ManualClock()
        let orchestrator = Orchestrator(store: InMemoryAgentStore(clock: clock), clock: clock)
        let agent = MorningDigestAgent(source: ScriptedSource([.fail(.rateLimited(retryAfter: .seconds(90)))]))

        let execution = try await orchestrator.execute(AgentRunRequest(agent: agent.name), agent: agent)

        #expect(execution.record.errorClass == .rateLimited)
        #expect(execution.retryAfter == .seconds(90))
    }

    @Test func aSourceThatHangsTimesOutOnTheManualClock() async throws {
        let clock = ManualClock()
        let events = EventBroadcaster()
        let orchestrator = Orchestrator(store: InMemoryAgentStore(clock: clock), clock: clock, events: events)
        let agent = MorningDigestAgent(
            policy: RunPolicy(timeout: .seconds(120), retry: .never), source: ScriptedSource([.hang]))
        var iterator = events.subscribe().makeAsyncIterator()
        let start = clock.now

        let running = Task { try await orchestrator.execute(AgentRunRequest(agent: agent.name), agent: agent) }
        _ = await nextEvent([.runStarted], from: &iterator)
        // Parked: the agent waits on the clock, and so does the orchestrator's deadline and lease timer.
        await clock.waitForSleepers(count: 2)
        await clock.advance(by: .seconds(120))
        let record = try await running.value.record

        #expect(record.status == .timedOut)
        #expect(record.errorClass == .timeout)
        #expect(record.endedAt == start.addingTimeInterval(120))
        #expect(record.errorMessage?.contains("the agent stopped within its grace period") == true)
        let terminal = await nextEvent([.runTimedOut], from: &iterator)
        #expect(terminal?.runID == record.id)
    }
}
