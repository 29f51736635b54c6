import AgentCore
import AgentScheduling
import AgentStorage
import Foundation
import TestDeadlines
import Testing

@Suite struct AgentRunnerTests {
    let start = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01 00:00 UTC

    private func options(owner: String) -> AgentRunner.Options {
        var scheduler = SchedulerConfiguration()
        scheduler.owner = owner
        scheduler.random = SeededRandomNumberGenerator(seed: 7)
        return AgentRunner.Options(scheduler: scheduler, role: "test")
    }

    /// A run of `nightly` whose owner died: claimed by "dead" with a lease of 30 s, which expires unless renewed.
    private func orphanedRun(in store: some RunStore, clock: ManualClock, status: RunStatus) async throws -> RunRecord {
        let orphan = RunRecord(
            id: RunIDGenerator().next(at: clock.now), request: AgentRunRequest(agent: "nightly"), status: status,
            queuedAt: clock.now)
        _ = try await store.claimRun(RunClaim(record: orphan, owner: "dead", leaseDuration: .seconds(30)))
        return orphan
    }

    @Test func aPauseWrittenByAnotherProcessHoldsAndIsNeverUndone() async throws {
        let clock = ManualClock(start: start)
        let store = InMemoryAgentStore(clock: clock)
        let probe = Probe()
        let agent = probedAgent("minutely", schedule: .cron("* * * * *"), probe: probe)
        let runner = try AgentRunner(agents: [agent], store: store, clock: clock, options: options(owner: "r1"))
        let log = EventLog(runner.events)
        let running = RunningRunner(runner)
        await waitBounded("the scheduler to park") { _ = await runner.scheduler.waitUntilParked() }
        await clock.advance(by: .seconds(60))
        await waitBounded("the scheduler to be quiet") { await runner.scheduler.waitUntilQuiet() }
        #expect(try await store.queryRuns(RunQuery(agent: "minutely")).records.count == 1)

        // Another process (a control handle on the same store) pauses the agent.
        try await RunnerControl(store: store, requester: "person").pause("minutely", reason: "migration")
        await eventually("the runner did not apply the pause") {
            await runner.scheduler.agents().first?.isPaused == true
        }
        // The event log is filled by an asynchronous sink.
        await eventually("the agentPaused event did not arrive") { !log.of(.agentPaused).isEmpty }
        #expect(log.of(.agentPaused).first?.message == "migration")
        // Fires pass; the scheduler saves its state, but never over the pause.
        for _ in 0..<5 {
            await clock.advance(by: .seconds(60))
            await waitBounded("the scheduler to be quiet") { await runner.scheduler.waitUntilQuiet() }
        }
        let stored = try await store.scheduleState(for: "minutely")
        #expect(stored?.isPaused == true)
        #expect(stored?.pausedReason == "migration")
        #expect(try await store.queryRuns(RunQuery(agent: "minutely", statuses: [.succeeded])).records.count == 1)

        try await RunnerControl(store: store).resume("minutely")
        await eventually("the runner did not apply the resume") {
            await runner.scheduler.agents().first?.isPaused == false
        }
        await running.stop(clock: clock)
    }

    @Test func aRunRequestedByAnotherProcessRunsOnceAndCompletesTheRequest() async throws {
        let clock = ManualClock(start: start)
        let store = InMemoryAgentStore(clock: clock)
        let probe = Probe()
        let agent = probedAgent("on-demand", schedule: .manualOnly, probe: probe)
        let first = RunningRunner(
            try AgentRunner(agents: [agent], store: store, clock: clock, options: options(owner: "r1")))
        let second = RunningRunner(
            try AgentRunner(agents: [agent], store: store, clock: clock, options: options(owner: "r2")))
        let control = RunnerControl(store: store, requester: "person", clock: clock)
        let request = try await control.requestRun(AgentRunRequest(agent: "on-demand", parameters: ["n": 1]))
        var completed = try await store.request(id: request.id)
        await eventually("the run request was not completed") {
            completed = try? await store.request(id: request.id)
            return completed?.state == .completed
        }
        #expect(completed?.runStatus == .succeeded)
        #expect(["r1", "r2"].contains(completed?.takenBy ?? ""))
        let runs = try await store.queryRuns(RunQuery(agent: "on-demand")).records
        #expect(runs.count == 1)
        #expect(runs.first?.id == completed?.runID)
        #expect(runs.first?.parameters == ["n": 1])
        await first.stop(clock: clock)
        await second.stop(clock: clock)
    }

    @Test func aCancelRequestStopsTheRunOnItsOwnerAndRecordsCancelled() async throws {
        let clock = ManualClock(start: start)
        let store = InMemoryAgentStore(clock: clock)
        let probe = Probe()
        let gate = Gate()
        let agent = probedAgent("slow", schedule: .manualOnly, probe: probe, gate: gate)
        let runner = try AgentRunner(agents: [agent], store: store, clock: clock, options: options(owner: "r1"))
        let running = RunningRunner(runner)
        let execution = Task { () async throws -> RunExecution in try await runner.scheduler.trigger("slow") }
        await waitBounded("runs to start") { await probe.waitForStarts(1) }
        let active = try await store.queryRuns(RunQuery(agent: "slow", statuses: [.running])).records
        let runID = try #require(active.first?.id)

        let control = RunnerControl(store: store, requester: "person", clock: clock)
        let request = try await control.requestCancel(runID, reason: "wrong branch")
        var completed: ControlRequest?
        await eventually("the cancel request was not completed") {
            completed = try? await store.request(id: request.id)
            return completed?.state == .completed
        }
        let record = try await store.run(id: runID)
        #expect(record?.status == .cancelled)
        #expect(record?.errorMessage?.contains("wrong branch") == true)
        #expect(completed?.runStatus == .cancelled)
        #expect(try await within("the task to end") { try await execution.value }.record.status == .cancelled)
        // A second cancel of the ended run is completed by whichever runner sees it, with what happened.
        let again = try await control.requestCancel(runID)
        try await eventually("the late cancel request was not completed") {
            try await store.request(id: again.id)?.state == .completed
        }
        #expect(try await store.request(id: again.id)?.outcome?.contains("already ended") == true)
        await running.stop(clock: clock)
    }

    /// A runner of `nightly` following the feed of `store`, beside an orphaned run of `nightly` (see
    /// ``orphanedRun(in:clock:status:)``) that it does not execute.
    private func runnerBesideAnOrphan(
        store: some AgentStore, clock: ManualClock
    ) async throws -> (orphan: RunRecord, running: RunningRunner, control: RunnerControl) {
        let orphan = try await orphanedRun(in: store, clock: clock, status: .running)
        let agent = probedAgent("nightly", schedule: .manualOnly, probe: Probe())
        let runner = try AgentRunner(agents: [agent], store: store, clock: clock, options: options(owner: "r1"))
        let control = RunnerControl(store: store, requester: "person", clock: clock)
        let running = RunningRunner(runner)
        try await waitUntilFollowed(control, store: store)
        return (orphan, running, control)
    }

    /// Requests a run of `nightly` and waits until it is completed: the runner follows the feed in order, so it has
    /// handled every change before that request.
    private func waitUntilFollowed(_ control: RunnerControl, store: some AgentStore) async throws {
        let marker = try await control.requestRun(AgentRunRequest(agent: "nightly"))
        await eventually("the runner did not carry out a run request") {
            (try? await store.request(id: marker.id))?.state == .completed
        }
    }

    /// Waits until a request is completed, moving the clock a second at a time meanwhile.
    private func completion(
        of requestID: String, store: some AgentStore, clock: ManualClock
    ) async -> ControlRequest? {
        var completed: ControlRequest?
        await eventually("request \(requestID) was not completed") {
            completed = try? await store.request(id: requestID)
            if completed?.state == .completed { return true }
            await clock.advance(by: .seconds(1))
            return false
        }
        return completed
    }

    @Test func aCancelRequestOfARunWhoseRunnerDiedIsCompletedWhenTheRunIsAbandoned() async throws {
        let clock = ManualClock(start: start)
        let store = InMemoryAgentStore(clock: clock)
        let (orphan, running, control) = try await runnerBesideAnOrphan(store: store, clock: clock)
        let cancel = try await control.requestCancel(orphan.id, reason: "stuck")
        try await waitUntilFollowed(control, store: store)
        // The runner saw the cancel while the run was live: it waits for the run's end.
        #expect(try await store.request(id: cancel.id)?.state == .pending)

        await clock.advance(by: .seconds(45))
        let completed = await completion(of: cancel.id, store: store, clock: clock)
        #expect(completed?.runID == orphan.id)
        #expect(completed?.runStatus == .abandoned)
        #expect(completed?.outcome?.contains("abandoned") == true)
        await running.stop(clock: clock)
    }

    @Test func aCancelRequestThatMeetsAFailingStoreIsSettledOnceTheStoreAnswers() async throws {
        let clock = ManualClock(start: start)
        let store = FlakyStore(clock: clock)
        let (orphan, running, control) = try await runnerBesideAnOrphan(store: store, clock: clock)
        // The runner cannot read the run it is asked to cancel: the request stays pending (it is not completed as
        // "no run"), and the runner reads the pending requests again once it has backed off.
        store.runReadsFail = true
        let cancel = try await control.requestCancel(orphan.id, reason: "stuck")
        await eventually("the runner did not read the requests again after backing off") {
            await clock.advance(by: .milliseconds(500))
            return store.requestListings >= 2
        }
        #expect(try await store.request(id: cancel.id)?.state == .pending)
        // The store answers again; the orphan's lease expires and the run is abandoned.
        store.runReadsFail = false
        await clock.advance(by: .seconds(45))
        let completed = await completion(of: cancel.id, store: store, clock: clock)
        #expect(completed?.runStatus == .abandoned)
        await running.stop(clock: clock)
    }

    @Test func runsEndingDoNotMakeTheRunnerListPendingRequests() async throws {
        let clock = ManualClock(start: start)
        let store = FlakyStore(clock: clock)
        let agent = probedAgent("nightly", schedule: .manualOnly, probe: Probe())
        let runner = try AgentRunner(agents: [agent], store: store, clock: clock, options: options(owner: "r1"))
        let running = RunningRunner(runner)
        for index in 0..<20 {
            let execution = try await within("run \(index)") {
                try await runner.scheduler.trigger("nightly", idempotencyKey: try IdempotencyKey("run-\(index)"))
            }
            #expect(execution.record.status == .succeeded)
        }
        try await waitUntilFollowed(RunnerControl(store: store, requester: "person", clock: clock), store: store)
        // One listing when the runner started following the feed; none for the 21 runs that ended since.
        #expect(store.requestListings == 1)
        await running.stop(clock: clock)
    }

    @Test func anAbandonedRunIsAnnouncedExactlyOnceAcrossRunners() async throws {
        let clock = ManualClock(start: start)
        let store = InMemoryAgentStore(clock: clock)
        let orphan = try await orphanedRun(in: store, clock: clock, status: .queued)
        let agent = probedAgent("nightly", schedule: .manualOnly, probe: Probe())
        let runners = try ["r1", "r2", "r3"].map {
            try AgentRunner(agents: [agent], store: store, clock: clock, options: options(owner: $0))
        }
        let logs = runners.map { EventLog($0.events) }
        let running = runners.map(RunningRunner.init)
        await clock.advance(by: .seconds(45))
        await eventually("nobody announced the abandoned run") {
            logs.map { $0.of(RunEvent.Kind.runAbandoned).count }.reduce(0, +) >= 1
        }
        for _ in 0..<3 { await clock.advance(by: .seconds(10)) }
        try? await Task.sleep(for: .milliseconds(50))
        #expect(logs.map { $0.of(RunEvent.Kind.runAbandoned).count }.reduce(0, +) == 1)
        #expect(try await store.run(id: orphan.id)?.status == .abandoned)
        #expect(try await store.run(id: orphan.id)?.notifiedAt != nil)
        for runner in running { await runner.stop(clock: clock) }
    }

    @Test func runnersAnnounceThemselvesAndLeaveWhenStopped() async throws {
        let clock = ManualClock(start: start)
        let store = InMemoryAgentStore(clock: clock)
        let agent = probedAgent("any", schedule: .manualOnly, probe: Probe())
        let runner = try AgentRunner(agents: [agent], store: store, clock: clock, options: options(owner: "r1"))
        let running = RunningRunner(runner)
        try await eventually("the runner did not announce itself") {
            try await store.livePresences().map(\.id) == ["r1"]
        }
        let presence = try #require(try await store.livePresences().first)
        #expect(presence.role == "test")
        #expect(presence.agents == ["any"])
        #expect(presence.processID == ProcessInfo.processInfo.processIdentifier)
        await clock.advance(by: .seconds(60))
        try await eventually("the heartbeat did not keep the runner alive") {
            try await store.livePresences().first?.lastHeartbeatAt ?? .distantPast >= start.addingTimeInterval(55)
        }
        await running.stop(clock: clock)
        #expect(try await store.livePresences().isEmpty)
    }
}
