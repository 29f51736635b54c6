import AgentCore
import AgentScheduling
import AgentStorage
import Foundation
import Testing

@testable import AgentCLI

/// How `serve` applies pauses written by other processes, and how `pause` writes them.
struct ExternalPauseSyncTests {
    let clock = ManualClock()
    let store: InMemoryAgentStore
    let scheduler: AgentScheduler
    let sync: ExternalPauseSync

    init() throws {
        store = InMemoryAgentStore(clock: clock)
        let agent = ClosureAgent(name: "nightly", schedule: .interval(.seconds(60))) { _, _ in .succeeded() }
        scheduler = try AgentScheduler(agents: [agent], store: store, clock: clock)
        sync = ExternalPauseSync(scheduler: scheduler, store: store, clock: clock)
    }

    func isPaused() async -> Bool { await scheduler.agents().first?.isPaused ?? false }

    @Test func aPauseAndAResumeWrittenToTheStoreReachTheScheduler() async throws {
        var seen = await sync.look(lastSeen: nil)
        #expect(seen == ["nightly": false])
        let outcome = try await ScheduleControl.setPaused(true, agent: "nightly", reason: "deploy", store: store)
        #expect(!outcome.unchanged && outcome.serveOwner == nil)
        seen = await sync.look(lastSeen: seen)
        #expect(await isPaused())
        #expect(await scheduler.agents().first?.pausedReason == "deploy")
        _ = try await ScheduleControl.setPaused(false, agent: "nightly", reason: nil, store: store)
        _ = await sync.look(lastSeen: seen)
        #expect(!(await isPaused()))
    }

    @Test func thePauseOfTheSchedulerItselfIsNotUndoneBeforeItIsStored() async throws {
        let seen = await sync.look(lastSeen: nil)
        // The scheduler paused the agent (after repeated failures, say) and has not stored it yet.
        try await scheduler.pause("nightly", reason: "paused automatically")
        #expect(try await store.scheduleState(for: "nightly")?.isPaused != true)
        _ = await sync.look(lastSeen: seen)
        #expect(await isPaused(), "the store did not change, so nothing is applied")
    }

    @Test func onTheFirstLookTheStoreWins() async throws {
        try await store.saveScheduleState(ScheduleState(agentName: "nightly", isPaused: true, pausedReason: "x"))
        _ = await sync.look(lastSeen: nil)
        #expect(await isPaused())
    }

    @Test func pausingTwiceChangesNothing() async throws {
        _ = try await ScheduleControl.setPaused(true, agent: "nightly", reason: "a", store: store)
        let again = try await ScheduleControl.setPaused(true, agent: "nightly", reason: "b", store: store)
        #expect(again.unchanged)
        #expect(again.state.pausedReason == "a")
        try await store.saveScheduleState(
            ScheduleState(agentName: "nightly", isPaused: true, pausedReason: "a", consecutiveFailures: 4))
        let resumed = try await ScheduleControl.setPaused(false, agent: "nightly", reason: nil, store: store)
        #expect(resumed.state.consecutiveFailures == 0, "resuming resets the failure streak")
    }
}
