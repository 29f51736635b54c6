import AgentCore
import AgentScheduling
import AgentStorage
import Foundation
import Testing

/// The acceptance tests of plans (workflows.md A4), each on the virtual clock with the in-memory and the JSON-file
/// store.
@Suite struct PlanRunnerTests {
    private let date = "2025-01-15"

    private func plan(_ tasks: [PlanTaskDefinition], schedule: ScheduleConfiguration = .manualOnly) throws
        -> PlanDefinition
    {
        try PlanDefinition(name: "nightly", schedule: schedule, tasks: tasks)
    }

    /// A runner on the harness's store with these agents and plans, running.
    private func runner(_ harness: WorkflowStoreHarness, _ agents: [ClosureAgent], plans: [PlanDefinition]) throws
        -> RunningRunner
    {
        RunningRunner(
            try AgentRunner(
                agents: agents, store: harness.store, clock: harness.clock, options: runnerOptions("r1", plans: plans)))
    }

    @Test(arguments: WorkflowStoreKind.allCases)
    func aPermanentFailureSkipsDownstreamWithItsReasonWhileIndependentBranchesContinue(_ kind: WorkflowStoreKind)
        async throws
    {
        let harness = try await WorkflowStoreHarness(kind)
        let agents = ScriptedAgents()
        agents.script("alpha", .failed(.permanent, "the sitemap is invalid"))
        let nightly = try plan([
            PlanTaskDefinition(id: "a", agent: "alpha"), PlanTaskDefinition(id: "b", agent: "beta", dependsOn: ["a"]),
            PlanTaskDefinition(id: "c", agent: "gamma"),
        ])
        let runner = try runner(harness, agents.agents(["alpha", "beta", "gamma"]), plans: [nightly])
        let started = try await #require(runner.runner.plans).start(
            plan: "nightly", businessDate: try BusinessDate(date))
        #expect(started.created && started.run.id == "nightly-2025-01-15")
        let run = try #require(await waitForPlanRun(started.run.id, in: harness.store, toBe: [.failed, .succeeded]))
        #expect(run.status == .failed)
        #expect(run[task: "a"]?.status == .failed)
        #expect(run[task: "b"]?.status == .skipped)
        #expect(run[task: "b"]?.reason == "upstream a failed")
        #expect(run[task: "c"]?.status == .succeeded)
        #expect(agents.starts("beta") == 0)
        let failedID = try #require(run[task: "a"]?.runID)
        let failed = try #require(try await harness.store.run(id: failedID))
        #expect(failed.status == .failed)
        #expect(failed.idempotencyKey.rawValue == "plan:nightly-2025-01-15:a:1")
        await runner.stop(clock: harness.clock)
    }

    @Test(arguments: WorkflowStoreKind.allCases)
    func aTransientFailureIsRetriedInsideTheTaskAndDownstreamStartsOnceAfterIt(_ kind: WorkflowStoreKind)
        async throws
    {
        let harness = try await WorkflowStoreHarness(kind)
        let agents = ScriptedAgents()
        agents.script("alpha", .failed(.transient, "network"), .succeeded())
        let nightly = try plan([
            PlanTaskDefinition(id: "a", agent: "alpha"), PlanTaskDefinition(id: "b", agent: "beta", dependsOn: ["a"]),
        ])
        let runner = RunningRunner(
            try AgentRunner(
                agents: [
                    agents.agent("alpha", retry: RetryPolicy(maximumRetries: 2, initialDelay: .zero)),
                    agents.agent("beta"),
                ], store: harness.store, clock: harness.clock, options: runnerOptions("r1", plans: [nightly])))
        let id = try await #require(runner.runner.plans).start(plan: "nightly", businessDate: try BusinessDate(date))
            .run.id
        let run = try #require(await waitForPlanRun(id, in: harness.store, toBe: [.failed, .succeeded]))
        #expect(run.status == .succeeded)
        #expect(agents.order == ["alpha", "alpha", "beta"])
        let recordID = try #require(run[task: "a"]?.runID)
        let record = try #require(try await harness.store.run(id: recordID))
        #expect(record.attempt == 2 && record.status == .succeeded)
        await runner.stop(clock: harness.clock)
    }

    @Test(arguments: WorkflowStoreKind.allCases)
    func inADiamondAFailedBranchSkipsTheJoinAndAnAllDoneCleanupStillRuns(_ kind: WorkflowStoreKind) async throws {
        let harness = try await WorkflowStoreHarness(kind)
        let agents = ScriptedAgents()
        agents.script("gamma", .failed(.permanent, "lint failed"))
        let nightly = try plan([
            PlanTaskDefinition(id: "a", agent: "alpha"),
            PlanTaskDefinition(id: "b", agent: "beta", dependsOn: ["a"]),
            PlanTaskDefinition(id: "c", agent: "gamma", dependsOn: ["a"]),
            PlanTaskDefinition(id: "d", agent: "delta", dependsOn: ["b", "c"]),
            PlanTaskDefinition(id: "cleanup", agent: "epsilon", dependsOn: ["d"], rule: .allDone),
        ])
        let runner = try runner(
            harness, agents.agents(["alpha", "beta", "gamma", "delta", "epsilon"]), plans: [nightly])
        let id = try await #require(runner.runner.plans).start(plan: "nightly", businessDate: try BusinessDate(date))
            .run.id
        let run = try #require(await waitForPlanRun(id, in: harness.store, toBe: [.failed, .succeeded]))
        #expect(run.status == .failed)
        #expect(run[task: "b"]?.status == .succeeded)
        #expect(
            run[task: "d"]?.skipReason
                == PlanSkipReason(upstreamTask: "c", upstreamStatus: .failed, causedByFailure: true))
        #expect(run[task: "cleanup"]?.status == .succeeded)
        #expect(agents.starts("delta") == 0)
        await runner.stop(clock: harness.clock)
    }

    @Test(arguments: WorkflowStoreKind.allCases)
    func fourRunnersOnOneStoreFireTheNightlyPlanOnceAndRunEachTaskOnce(_ kind: WorkflowStoreKind) async throws {
        // The clock starts at 02:29 on the business date; the plan fires at 02:30 UTC.
        let harness = try await WorkflowStoreHarness(kind, start: Date(timeIntervalSince1970: 1_736_908_140))
        let agents = ScriptedAgents()
        let nightly = try plan(
            [
                PlanTaskDefinition(id: "seo.validate", agent: "seo-validate"),
                PlanTaskDefinition(id: "code.review", agent: "code-review", dependsOn: ["seo.validate"]),
                PlanTaskDefinition(id: "dx.integrate", agent: "dx-integrate", dependsOn: ["code.review"]),
            ], schedule: .cron("30 2 * * *", timeZone: "UTC"))
        var runners: [RunningRunner] = []
        for index in 1...4 {
            runners.append(
                RunningRunner(
                    try AgentRunner(
                        agents: ["seo-validate", "code-review", "dx-integrate"].map { agents.agent($0) },
                        store: try await harness.handle(), clock: harness.clock,
                        options: runnerOptions("r\(index)", plans: [nightly]))))
        }
        // Let every runner park on its schedules, then move through the fire.
        await harness.clock.waitForSleepers(count: 4 * 4)
        var run: PlanRun?
        await eventually("the nightly plan did not settle") {
            await harness.clock.advance(by: .seconds(1))
            run = try? await harness.store.planRun(id: "nightly-2025-01-15")
            return run?.status == .succeeded
        }
        #expect(try await harness.store.planRuns(plan: "nightly", statuses: nil, limit: 10).count == 1)
        #expect(agents.order == ["seo-validate", "code-review", "dx-integrate"])
        for agent: AgentName in ["seo-validate", "code-review", "dx-integrate"] {
            #expect(try await harness.store.queryRuns(RunQuery(agent: agent)).records.count == 1)
        }
        for runner in runners { await runner.stop(clock: harness.clock) }
    }

    @Test(arguments: WorkflowStoreKind.allCases)
    func aRerunAfterAFixRunsTheFailedTaskAndItsDownstreamAndKeepsTheRest(_ kind: WorkflowStoreKind) async throws {
        let harness = try await WorkflowStoreHarness(kind)
        let agents = ScriptedAgents()
        agents.script("alpha", .failed(.permanent, "broken"), .succeeded())
        let nightly = try plan([
            PlanTaskDefinition(id: "a", agent: "alpha"), PlanTaskDefinition(id: "b", agent: "beta", dependsOn: ["a"]),
            PlanTaskDefinition(id: "c", agent: "gamma"),
        ])
        let runner = try runner(harness, agents.agents(["alpha", "beta", "gamma"]), plans: [nightly])
        let id = try await #require(runner.runner.plans).start(plan: "nightly", businessDate: try BusinessDate(date))
            .run.id
        let failed = try #require(await waitForPlanRun(id, in: harness.store, toBe: [.failed]))
        let firstA = try #require(failed[task: "a"]?.runID)

        // Another process reruns it; the runner picks it up from the store.
        let rerun = try await PlanControl(store: try await harness.handle()).rerun(id)
        #expect(rerun.attempt == 2 && rerun.status == .running)
        let run = try #require(await waitForPlanRun(id, in: harness.store, toBe: [.succeeded, .failed]))
        #expect(run.status == .succeeded)
        #expect(run[task: "a"]?.attempt == 2 && run[task: "a"]?.runIDs.count == 2)
        #expect(run[task: "c"]?.attempt == 1)
        #expect(agents.starts("gamma") == 1)
        #expect(agents.starts("beta") == 1)
        #expect(try await harness.store.run(id: firstA)?.status == .failed)
        await runner.stop(clock: harness.clock)
    }

    @Test(arguments: WorkflowStoreKind.allCases)
    func aRerunOfARunningPlanIsRefused(_ kind: WorkflowStoreKind) async throws {
        let harness = try await WorkflowStoreHarness(kind)
        let agents = ScriptedAgents()
        let gate = agents.hold("alpha")
        let nightly = try plan([PlanTaskDefinition(id: "a", agent: "alpha")])
        let runner = try runner(harness, [agents.agent("alpha")], plans: [nightly])
        let id = try await #require(runner.runner.plans).start(plan: "nightly", businessDate: try BusinessDate(date))
            .run.id
        await eventually("alpha did not start") { agents.starts("alpha") == 1 }
        await #expect { _ = try await PlanControl(store: harness.store).rerun(id) } throws: {
            ($0 as? PlanError)?.code == .notSettled
        }
        gate.open()
        await waitForPlanRun(id, in: harness.store, toBe: [.succeeded])
        await runner.stop(clock: harness.clock)
    }

    @Test(arguments: WorkflowStoreKind.allCases)
    func aPlanWhoseRunnerDiedIsContinuedFromTheStoreWithoutRerunningSucceededTasks(_ kind: WorkflowStoreKind)
        async throws
    {
        let harness = try await WorkflowStoreHarness(kind)
        let agents = ScriptedAgents()
        let nightly = try plan([
            PlanTaskDefinition(id: "a", agent: "alpha"), PlanTaskDefinition(id: "b", agent: "beta", dependsOn: ["a"]),
        ])
        // What a runner that died while B ran left behind: A settled, B handed out, B's run under a lease.
        let store = harness.store
        var stored = try await store.createPlanRun(nightly.newRun(for: try BusinessDate(date), requestedBy: "dead")).run
        let ids = RunIDGenerator()
        let now = harness.clock.now
        var done = RunRecord(
            id: ids.next(at: now),
            request: AgentRunRequest(
                agent: "alpha", idempotencyKey: try IdempotencyKey("plan:nightly-2025-01-15:a:1")),
            status: .succeeded, queuedAt: now)
        done.startedAt = now
        done.endedAt = now
        try await store.insertRun(done)
        let claim = RunClaim(
            record: RunRecord(
                id: ids.next(at: now),
                request: AgentRunRequest(
                    agent: "beta", idempotencyKey: try IdempotencyKey("plan:nightly-2025-01-15:b:1")),
                status: .running, queuedAt: now),
            owner: "dead", leaseDuration: .seconds(30))
        _ = try await store.claimRun(claim)
        stored[task: "a"]?.status = .succeeded
        stored[task: "a"]?.runID = done.id
        stored[task: "a"]?.runIDs = [done.id]
        stored[task: "b"]?.status = .running
        stored[task: "b"]?.dispatchedBy = "dead"
        _ = try await store.replacePlanRun(stored, expectedVersion: stored.version)
        await harness.clock.advance(by: .seconds(31))

        let runner = RunningRunner(
            try AgentRunner(
                agents: [agents.agent("alpha"), agents.agent("beta")], store: try await harness.handle(),
                clock: harness.clock, options: runnerOptions("r2", plans: [nightly])))
        let run = try #require(await waitForPlanRun("nightly-2025-01-15", in: store, toBe: [.succeeded, .failed]))
        #expect(run.status == .succeeded)
        #expect(agents.starts("alpha") == 0)
        #expect(agents.starts("beta") == 1)
        #expect(try await store.run(id: claim.record.id)?.status == .abandoned)
        await runner.stop(clock: harness.clock)
    }
}
