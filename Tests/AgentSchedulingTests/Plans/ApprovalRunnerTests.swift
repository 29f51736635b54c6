import AgentCore
import AgentScheduling
import AgentStorage
import Foundation
import HTTPTestSupport
import TestDeadlines
import Testing

/// The acceptance tests of approvals (workflows.md B4), each on the virtual clock with the in-memory and the
/// JSON-file store; decisions come from another handle on the store, as from `agentctl approve` in another process.
@Suite struct ApprovalRunnerTests {
    private let date = "2025-01-15"

    /// seo.validate opens a pull request and waits; code.review depends on it.
    private func nightly() throws -> PlanDefinition {
        try PlanDefinition(
            name: "nightly",
            tasks: [
                PlanTaskDefinition(id: "seo.validate", agent: "seo-validate"),
                PlanTaskDefinition(id: "code.review", agent: "code-review", dependsOn: ["seo.validate"]),
            ])
    }

    private func start(
        _ harness: WorkflowStoreHarness, _ agents: ScriptedAgents, owner: String = "r1",
        policies: [AgentName: ApprovalPolicy] = [:]
    ) async throws -> RunningRunner {
        RunningRunner(
            try AgentRunner(
                agents: [agents.agent("seo-validate"), agents.agent("code-review")], store: try await harness.handle(),
                clock: harness.clock, options: runnerOptions(owner, plans: [try nightly()], policies: policies)))
    }

    /// Starts the plan and waits until seo.validate waits for approval; returns its request.
    private func waitingRequest(_ harness: WorkflowStoreHarness, _ runner: RunningRunner) async throws
        -> ApprovalRequest
    {
        _ = try await #require(runner.runner.plans).start(plan: "nightly", businessDate: try BusinessDate(date))
        let run = await waitForPlanRun("nightly-2025-01-15", in: harness.store, toBe: [.awaitingApproval])
        let runID = try #require(run?[task: "seo.validate"]?.runID)
        var request: ApprovalRequest?
        await eventually("the approval request was not notified") {
            request = try? await harness.store.approval(runID: runID)
            return request?.notifiedAt != nil
        }
        return try #require(request)
    }

    @Test(arguments: WorkflowStoreKind.allCases)
    func aPullRequestWaitsForApprovalNotifiesOnceAndApprovalStartsDownstreamOnce(_ kind: WorkflowStoreKind)
        async throws
    {
        let harness = try await WorkflowStoreHarness(kind)
        let agents = ScriptedAgents()
        agents.script("seo-validate", .pullRequest(123))
        let runner = try await start(harness, agents)
        let log = EventLog(runner.runner.events)
        let request = try await waitingRequest(harness, runner)
        #expect(request.state == .pending)
        #expect(request.outputsURI == "https://github.com/user/repo/pull/123")
        #expect(request.planRunID == "nightly-2025-01-15" && request.taskID == "seo.validate")
        #expect(request.deadline == request.requestedAt.addingTimeInterval(72 * 3600))
        let notification = ApprovalNotification(request: request)
        #expect(notification.slackText == "Task seo.validate awaiting approval: https://github.com/user/repo/pull/123")
        #expect(notification.emailPayload["run_id"] == "nightly-2025-01-15")
        #expect(notification.emailPayload["status"] == "awaiting_approval")
        await eventually("no approvalRequested event") { log.of(.approvalRequested).count == 1 }
        #expect(log.of(.approvalRequested).first?.message == notification.slackText)
        #expect(try await harness.store.run(id: request.runID)?.leaseExpiresAt == nil)
        #expect(agents.starts("code-review") == 0)

        let desk = ApprovalDesk(store: try await harness.handle())
        let approved = try await desk.decide(runID: request.runID, verdict: .approve, by: "alice", comment: "LGTM")
        #expect(approved.outcome == .decided)
        let again = try await desk.decide(runID: request.runID, verdict: .approve, by: "alice")
        #expect(again.outcome == .unchanged && again.request == approved.request)
        let late = try await desk.decide(runID: request.runID, verdict: .reject, by: "bob")
        #expect(late.outcome == .alreadyDecided && late.request.state == .approved)
        let run = try #require(
            await waitForPlanRun("nightly-2025-01-15", in: harness.store, toBe: [.succeeded, .failed]))
        #expect(run.status == .succeeded)
        #expect(agents.starts("code-review") == 1)
        #expect(try await harness.store.run(id: request.runID)?.status == .succeeded)
        #expect(log.of(.approvalRequested).count == 1)
        await eventually("no approvalDecided event") { log.of(.approvalDecided).count == 1 }
        #expect(log.of(.approvalDecided).first?.message == "seo.validate approved by alice: LGTM")
        await runner.stop(clock: harness.clock)
        #expect(log.of(.approvalDecided).count == 1)
    }

    @Test(arguments: WorkflowStoreKind.allCases)
    func onlyListedApproversDecideAndTheRequesterMayNotApproveItself(_ kind: WorkflowStoreKind) async throws {
        let harness = try await WorkflowStoreHarness(kind)
        let agents = ScriptedAgents()
        agents.script("seo-validate", .pullRequest(5))
        let runner = try await start(
            harness, agents,
            policies: ["seo-validate": ApprovalPolicy(approvers: ["alice", "r1"], preventSelfApproval: true)])
        let request = try await waitingRequest(harness, runner)
        #expect(request.approvers == ["alice", "r1"] && request.requestedBy == "r1")
        let desk = ApprovalDesk(store: try await harness.handle())
        #expect(try await desk.decide(runID: request.runID, verdict: .approve, by: "mallory").outcome == .notAllowed)
        #expect(try await desk.decide(runID: request.runID, verdict: .approve, by: "r1").outcome == .notAllowed)
        #expect(try await harness.store.run(id: request.runID)?.status == .awaitingApproval)
        #expect(try await desk.decide(runID: request.runID, verdict: .approve, by: "alice").outcome == .decided)
        await waitForPlanRun("nightly-2025-01-15", in: harness.store, toBe: [.succeeded])
        await runner.stop(clock: harness.clock)
    }

    @Test(arguments: WorkflowStoreKind.allCases)
    func twoRunnersPostTheAwaitingApprovalNotificationOnceAsSlackTextAndEmailPayload(_ kind: WorkflowStoreKind)
        async throws
    {
        let harness = try await WorkflowStoreHarness(kind)
        let agents = ScriptedAgents()
        agents.script("seo-validate", .pullRequest(123))
        let slack = try TestHTTPServer()
        let email = try TestHTTPServer()
        var runners: [RunningRunner] = []
        for owner in ["r1", "r2"] {
            var options = runnerOptions(owner, plans: [try nightly()])
            options.webhooks = [
                .localServer(slack.url, format: .slack, triggers: [.approval]),
                .localServer(email.url, format: .json, triggers: [.approval]),
            ]
            runners.append(
                RunningRunner(
                    try AgentRunner(
                        agents: [agents.agent("seo-validate"), agents.agent("code-review")],
                        store: try await harness.handle(), clock: harness.clock, options: options)))
        }
        let request = try await waitingRequest(harness, runners[0])
        try await within("both webhooks to be posted") {
            await slack.waitForRequests(1)
            await email.waitForRequests(1)
        }
        for runner in runners { await runner.runner.notifier?.drain() }
        #expect(slack.requests.count == 1 && email.requests.count == 1)
        let text = try #require(try slack.requests.first?.json()["text"] as? String)
        #expect(text == "Task seo.validate awaiting approval: https://github.com/user/repo/pull/123")
        let payload = try #require(try email.requests.first?.json())
        #expect(payload["run_id"] as? String == "nightly-2025-01-15")
        #expect(payload["task"] as? String == "seo.validate")
        #expect(payload["status"] as? String == "awaiting_approval")
        #expect(payload["outputs_uri"] as? String == "https://github.com/user/repo/pull/123")
        #expect(request.notifiedAt != nil)
        for runner in runners { await runner.stop(clock: harness.clock) }
    }

    @Test(arguments: WorkflowStoreKind.allCases)
    func anApprovalAtTheDeadlineIsRefusedAsExpiredAndTheDownstreamIsSkipped(_ kind: WorkflowStoreKind) async throws {
        let harness = try await WorkflowStoreHarness(kind)
        let agents = ScriptedAgents()
        agents.script("seo-validate", .pullRequest(7))
        let runner = try await start(
            harness, agents, policies: ["seo-validate": ApprovalPolicy(timeout: .seconds(3600))])
        let request = try await waitingRequest(harness, runner)
        #expect(request.deadline == request.requestedAt.addingTimeInterval(3600))
        // No runner sweeps while the clock reaches the deadline: the approval is refused as expired all the same.
        await runner.stop(clock: harness.clock)
        await harness.clock.advance(to: request.deadline)
        let late = try await ApprovalDesk(store: try await harness.handle()).decide(
            runID: request.runID, verdict: .approve, by: "alice")
        #expect(late.outcome == .expired)
        #expect(late.request.state == .expired)
        let restarted = try await start(harness, agents, owner: "r2")
        let run = try #require(
            await waitForPlanRun("nightly-2025-01-15", in: harness.store, toBe: [.failed, .succeeded]))
        #expect(run.status == .failed)
        #expect(run[task: "seo.validate"]?.status == .rejected)
        #expect(run[task: "code.review"]?.reason == "upstream seo.validate rejected")
        #expect(try await harness.store.run(id: request.runID)?.status == .rejected)
        #expect(agents.starts("code-review") == 0)
        await restarted.stop(clock: harness.clock)
    }

    @Test(arguments: WorkflowStoreKind.allCases)
    func anUnansweredRequestExpiresAtTheSweepAndNeverApproves(_ kind: WorkflowStoreKind) async throws {
        let harness = try await WorkflowStoreHarness(kind)
        let agents = ScriptedAgents()
        agents.script("seo-validate", .pullRequest(8))
        let runner = try await start(harness, agents, policies: ["seo-validate": ApprovalPolicy(timeout: .seconds(60))])
        let log = EventLog(runner.runner.events)
        let request = try await waitingRequest(harness, runner)
        await eventually("the sweep did not expire the request") {
            await harness.clock.advance(by: .seconds(10))
            return (try? await harness.store.approval(runID: request.runID))?.state == .expired
        }
        let run = try #require(await waitForPlanRun("nightly-2025-01-15", in: harness.store, toBe: [.failed]))
        #expect(run[task: "seo.validate"]?.status == .rejected)
        await eventually("no approvalExpired event") { !log.of(.approvalExpired).isEmpty }
        await runner.stop(clock: harness.clock)
    }

    @Test(arguments: WorkflowStoreKind.allCases)
    func aRejectionFailsThePlanWithoutCountingAsAnAgentFailureAndARerunAsksAgain(_ kind: WorkflowStoreKind)
        async throws
    {
        let harness = try await WorkflowStoreHarness(kind)
        let agents = ScriptedAgents()
        agents.script("seo-validate", .pullRequest(9))
        let runner = try await start(harness, agents)
        let request = try await waitingRequest(harness, runner)
        let rejected = try await ApprovalDesk(store: try await harness.handle()).decide(
            runID: request.runID, verdict: .reject, by: "bob", comment: "wrong titles")
        #expect(rejected.outcome == .decided)
        let run = try #require(await waitForPlanRun("nightly-2025-01-15", in: harness.store, toBe: [.failed]))
        #expect(run[task: "seo.validate"]?.status == .rejected)
        let record = try #require(try await harness.store.run(id: request.runID))
        #expect(record.status == .rejected && record.errorMessage == "rejected by bob: wrong titles")
        #expect(record.errorClass == nil)
        #expect(await runner.runner.scheduler.agents().first { $0.name == "seo-validate" }?.consecutiveFailures == 0)
        #expect((try await harness.store.scheduleState(for: "seo-validate"))?.consecutiveFailures ?? 0 == 0)

        _ = try await PlanControl(store: harness.store).rerun("nightly-2025-01-15")
        var second: ApprovalRequest?
        await eventually("the rerun did not ask again") {
            let pending = (try? await harness.store.approvals(in: [.pending], limit: 10)) ?? []
            second = pending.first
            return second != nil
        }
        #expect(second?.runID != request.runID)
        await runner.stop(clock: harness.clock)
    }

    @Test(arguments: WorkflowStoreKind.allCases)
    func aRestartWhileWaitingKeepsTheRequestAndANewRunnerContinuesAfterTheDecision(_ kind: WorkflowStoreKind)
        async throws
    {
        let harness = try await WorkflowStoreHarness(kind)
        let agents = ScriptedAgents()
        agents.script("seo-validate", .pullRequest(10))
        let first = try await start(harness, agents, owner: "r1")
        let request = try await waitingRequest(harness, first)
        await first.stop(clock: harness.clock)
        // Far past every lease: a run awaiting approval is never abandoned.
        await harness.clock.advance(by: .seconds(3600))
        let second = try await start(harness, agents, owner: "r2")
        #expect(try await harness.store.approval(runID: request.runID)?.deadline == request.deadline)
        #expect(try await harness.store.run(id: request.runID)?.status == .awaitingApproval)
        _ = try await ApprovalDesk(store: try await harness.handle()).decide(
            runID: request.runID, verdict: .approve, by: "alice")
        let run = try #require(
            await waitForPlanRun("nightly-2025-01-15", in: harness.store, toBe: [.succeeded, .failed]))
        #expect(run.status == .succeeded)
        #expect(agents.starts("code-review") == 1)
        #expect(try await harness.store.run(id: request.runID)?.status == .succeeded)
        await second.stop(clock: harness.clock)
    }
}
