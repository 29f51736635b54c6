import AgentCore
import AgentStorage
import Foundation
import HTTPTestSupport
import Testing

@testable import AgentScheduling

struct FinalFailureNotificationTests {
    private static let fire = schedulerEpoch.addingTimeInterval(60)
    private static let daily = ScheduleConfiguration.interval(.seconds(86_400), anchoredAt: fire)

    @Test func aFinalFailureFromAnOrchestratorAloneIsPostedWithoutWaiting() async throws {
        let server = try TestHTTPServer()
        let harness = OrchestratorHarness()
        // A retry-decision delay of an hour: were the notifier still guessing, nothing would be posted.
        let notifier = try harness.notifier([.localServer(server.url)], retryDecisionDelay: .seconds(3600))
        let before = harness.clock.now
        let record = try await harness.run(.failed(.transient, "boom"))
        await notifier.drain()
        #expect(harness.clock.now == before, "the clock was never advanced")
        #expect(server.requests.count == 1)
        #expect(try server.requests.first?.json()["runID"] as? String == record.id.rawValue)
        let failed = try #require(harness.emitted(.runFailed).first)
        #expect(failed.failure == RunFailureDetails(failureClass: .transient, isFinal: true))
    }

    @Test func theSchedulerMarksAFailureThatWillBeRetriedAsNotFinal() async throws {
        let retry = RetryPolicy(
            maximumRetries: 1, initialDelay: .seconds(10), multiplier: 2, maximumDelay: .seconds(10))
        let agent = ClosureAgent(
            name: "flaky", schedule: Self.daily, policy: RunPolicy(retry: retry, autoPauseAfterConsecutiveFailures: nil)
        ) { _, _ in throw AgentFailure.transient("connection reset") }
        let harness = try SchedulerHarness(agents: [agent])
        await harness.tick(at: Self.fire)
        let wake = try #require(await harness.scheduler.nextWake)
        await harness.tick(at: wake)

        let ends = harness.events(.runFailed)
        #expect(ends.map(\.attempt) == [1, 2])
        #expect(ends.map { $0.failure?.isFinal } == [false, true])
        let kinds = harness.emitted.map(\.kind).filter { [.runFailed, .runRetryScheduled].contains($0) }
        #expect(kinds == [.runFailed, .runRetryScheduled, .runFailed], "the decision comes with the terminal event")
        let scheduled = try #require(harness.events(.runRetryScheduled).first)
        #expect(scheduled.retry?.nextAttempt == 2)
        #expect(scheduled.retry?.retryAt == wake)
        #expect(scheduled.retry?.failureClass == .transient)
    }

    @Test func aFailureFollowedByARetryIsNotPostedAndTheFinalOneIsPostedAtOnce() async throws {
        let server = try TestHTTPServer()
        let retry = RetryPolicy(
            maximumRetries: 1, initialDelay: .seconds(10), multiplier: 2, maximumDelay: .seconds(10))
        let agent = ClosureAgent(
            name: "flaky", schedule: Self.daily, policy: RunPolicy(retry: retry, autoPauseAfterConsecutiveFailures: nil)
        ) { _, _ in throw AgentFailure.transient("connection reset") }
        let harness = try SchedulerHarness(agents: [agent])
        let notifier = try WebhookNotifier(
            webhooks: [.localServer(server.url)], store: harness.store, clock: harness.clock,
            retryDecisionDelay: .seconds(3600))
        notifier.attach(to: harness.events)

        await harness.tick(at: Self.fire)
        await notifier.drain()
        #expect(server.requests.isEmpty, "the first attempt will be retried")

        let wake = try #require(await harness.scheduler.nextWake)
        await harness.tick(at: wake)
        await notifier.drain()
        #expect(harness.clock.now == wake, "posted without waiting for a retry decision")
        #expect(server.requests.count == 1)
        let body = try #require(try server.requests.first?.json())
        #expect(body["attempt"] as? Int == 2)
        #expect(body["retryScheduled"] as? Bool == false)
    }

    @Test func aRetryThatSucceedsIsNeverPosted() async throws {
        let server = try TestHTTPServer()
        let retry = RetryPolicy(
            maximumRetries: 2, initialDelay: .seconds(10), multiplier: 2, maximumDelay: .seconds(10))
        let agent = ClosureAgent(name: "flaky", schedule: Self.daily, policy: RunPolicy(retry: retry)) { _, context in
            if context.attempt == 1 { throw AgentFailure.transient("connection reset") }
            return .succeeded()
        }
        let harness = try SchedulerHarness(agents: [agent])
        let notifier = try WebhookNotifier(
            webhooks: [.localServer(server.url)], store: harness.store, clock: harness.clock,
            retryDecisionDelay: .seconds(3600))
        notifier.attach(to: harness.events)
        await harness.tick(at: Self.fire)
        await harness.tick(at: try #require(await harness.scheduler.nextWake))
        await notifier.drain()
        #expect(try await harness.records().map(\.status) == [.failed, .succeeded])
        #expect(server.requests.isEmpty)
    }
}
