import AgentCore
import AgentScheduling
import AgentStorage
import Foundation
import HTTPTestSupport
import TestDeadlines
import Testing

struct WebhookNotifierTests {
    @Test func aFailedRunPostsTheGenericJSONPayloadAndStoresNotifiedAt() async throws {
        let server = try TestHTTPServer()
        let harness = OrchestratorHarness()
        let notifier = try harness.notifier([.localServer(server.url)])
        let record = try await harness.run(.failed(.transient, "boom: exit status 1"))
        try await within("the notifier to deliver") { await notifier.drain() }

        let request = try #require(server.requests.first)
        #expect(server.requests.count == 1)
        #expect(request.method == "POST")
        #expect(request.path == "/hook?token=sekrit")
        #expect(request.headers["content-type"] == "application/json")
        #expect(request.headers["x-test"] == "yes")
        let body = try request.json()
        #expect(body["version"] as? Int == 1)
        #expect(body["notification"] as? String == "failure")
        #expect(body["event"] as? String == "runFailed")
        #expect(body["agent"] as? String == "nightly-docs")
        #expect(body["runID"] as? String == record.id.rawValue)
        #expect(body["status"] as? String == "failed")
        #expect(body["errorClass"] as? String == "transient")
        #expect(body["errorMessage"] as? String == "boom: exit status 1")
        #expect(body["retryScheduled"] as? Bool == false)
        #expect(body["title"] as? String == "nightly-docs failed")
        #expect((body["logExcerpt"] as? [String]) == ["working on it"])

        let stored = try #require(await harness.store.run(id: record.id))
        #expect(stored.notifiedAt == Timestamp.roundedToMilliseconds(harness.clock.now))
        #expect(stored.status == .failed)
        let sent = harness.emitted(.notificationSent)
        #expect(sent.count == 1)
        #expect(sent.first?.notification?.host == "127.0.0.1")
        #expect(!harness.emitted.map(\.jsonLine).joined().contains("sekrit"), "events must not show the URL's token")
    }

    @Test func theSlackFormatPostsOnlyText() async throws {
        let server = try TestHTTPServer()
        let harness = OrchestratorHarness()
        let notifier = try harness.notifier([.localServer(server.url, format: .slack)])
        _ = try await harness.run(.failed(.permanent, "model <gpt-9> not found"))
        try await within("the notifier to deliver") { await notifier.drain() }

        let body = try #require(try server.requests.first?.json())
        #expect(Array(body.keys) == ["text"])
        let text = try #require(body["text"] as? String)
        #expect(text.hasPrefix(":x: *nightly-docs failed*"))
        #expect(text.contains("error (permanent): model &lt;gpt-9&gt; not found"))
        #expect(text.contains("```\nworking on it\n```"))
    }

    @Test func theNtfyFormatPostsPlainTextWithTitlePriorityAndTags() async throws {
        let server = try TestHTTPServer()
        let harness = OrchestratorHarness()
        let notifier = try harness.notifier([.localServer(server.url, format: .ntfy)])
        _ = try await harness.run(.failed(.timeout, "timed out after 900 s"))
        try await within("the notifier to deliver") { await notifier.drain() }

        let request = try #require(server.requests.first)
        #expect(request.headers["title"] == "nightly-docs timed out")
        #expect(request.headers["priority"] == "high")
        #expect(request.headers["tags"] == "hourglass")
        #expect(request.headers["content-type"] == "text/plain; charset=utf-8")
        #expect(request.text.contains("error (timeout): timed out after 900 s"))
        #expect(request.text.contains("last output:\nworking on it"))
    }

    @Test func successesArePostedOnlyToEveryRunWebhooks() async throws {
        let failuresOnly = try TestHTTPServer()
        let everyRun = try TestHTTPServer()
        let harness = OrchestratorHarness()
        let notifier = try harness.notifier([
            .localServer(failuresOnly.url), .localServer(everyRun.url, format: .ntfy, triggers: [.everyRun]),
        ])
        let record = try await harness.run(.succeeded("3 pages updated"))
        try await within("the notifier to deliver") { await notifier.drain() }
        #expect(failuresOnly.requests.isEmpty)
        let request = try #require(everyRun.requests.first)
        #expect(request.headers["title"] == "nightly-docs succeeded")
        #expect(request.headers["tags"] == "white_check_mark")
        #expect(request.headers["priority"] == "default")
        #expect(request.text.contains("3 pages updated"))
        #expect(try await harness.store.run(id: record.id)?.notifiedAt != nil)
    }

    @Test func aServerErrorIsRetriedWithBackoffOnTheClock() async throws {
        let server = try TestHTTPServer(responses: [.init(status: 500), .init(status: 503)])
        let harness = OrchestratorHarness()
        let notifier = try harness.notifier([.localServer(server.url, attempts: 4)])
        let start = harness.clock.now
        let record = try await harness.run(.failed(.transient, "flaky"))

        try await within("1 webhook request(s)") { await server.waitForRequests(1) }
        try await within("1 sleeper(s) on the clock") { await harness.clock.waitForSleepers(count: 1) }
        #expect(server.requests.count == 1)
        await harness.clock.advance(by: .seconds(5))
        try await within("2 webhook request(s)") { await server.waitForRequests(2) }
        try await within("1 sleeper(s) on the clock") { await harness.clock.waitForSleepers(count: 1) }
        await harness.clock.advance(by: .seconds(10))
        try await within("the notifier to deliver") { await notifier.drain() }

        #expect(server.requests.count == 3)
        #expect(harness.emitted(.notificationSent).first?.notification?.attempts == 3)
        let stored = try #require(await harness.store.run(id: record.id))
        #expect(stored.notifiedAt == Timestamp.roundedToMilliseconds(start.addingTimeInterval(15)))
    }

    @Test func aClientErrorIsNotRetriedAndNotifiedAtStaysEmpty() async throws {
        let server = try TestHTTPServer(responses: [.init(status: 404)])
        let harness = OrchestratorHarness()
        let notifier = try harness.notifier([.localServer(server.url)])
        let record = try await harness.run(.failed(.transient, "boom"))
        try await within("the notifier to deliver") { await notifier.drain() }
        #expect(server.requests.count == 1)
        let failed = try #require(harness.emitted(.notificationFailed).first)
        #expect(failed.message?.contains("HTTP 404") == true)
        #expect(failed.notification?.statusCode == 404)
        #expect(try await harness.store.run(id: record.id)?.notifiedAt == nil)
    }

    @Test func aDeadEndpointNeitherFailsNorBlocksTheRun() async throws {
        let port = try TestHTTPServer.deadPort()
        let harness = OrchestratorHarness()
        let url = try #require(URL(string: "http://127.0.0.1:\(port)/hook"))
        let notifier = try harness.notifier([.localServer(url, attempts: 5)])
        let record = try await harness.run(.failed(.transient, "boom"))
        #expect(record.status == .failed)
        #expect(try await harness.store.run(id: record.id)?.status == .failed)

        try await within("1 sleeper(s) on the clock") { await harness.clock.waitForSleepers(count: 1) }
        #expect(notifier.pendingDeliveries == 1, "the delivery waits to retry, the run is long recorded")
        notifier.cancelAll()
        try await within("the notifier to deliver") { await notifier.drain() }
        let failed = try #require(harness.emitted(.notificationFailed).first)
        #expect(failed.message?.contains("cancelled") == true)
        #expect(failed.notification?.attempts == 1)
        #expect(try await harness.store.run(id: record.id)?.notifiedAt == nil)
    }

    @Test func aFailureEventThatDoesNotSayWhetherItIsFinalWaitsForTheRetryDecision() async throws {
        let server = try TestHTTPServer()
        let harness = OrchestratorHarness()
        let notifier = try harness.notifier([.localServer(server.url)], retryDecisionDelay: .seconds(1), attach: false)
        let first = try await harness.run(.failed(.transient, "first attempt"))
        let last = try await harness.run(.failed(.transient, "last attempt"))
        notifier.handle(RunEvent(kind: .runFailed, record: first, timestamp: harness.clock.now))
        notifier.handle(RunEvent(kind: .runRetryScheduled, record: first, timestamp: harness.clock.now))
        notifier.handle(RunEvent(kind: .runFailed, record: last, timestamp: harness.clock.now))
        try await within("2 sleeper(s) on the clock") { await harness.clock.waitForSleepers(count: 2) }
        await harness.clock.advance(by: .seconds(1))
        try await within("the notifier to deliver") { await notifier.drain() }
        #expect(server.requests.count == 1)
        #expect(try server.requests.first?.json()["runID"] as? String == last.id.rawValue)
    }

    @Test func anAutomaticPauseIsPostedAndAManualOneIsNot() async throws {
        let server = try TestHTTPServer()
        let harness = OrchestratorHarness()
        let notifier = try harness.notifier([.localServer(server.url, format: .json, triggers: [.autoPause])])
        let reason = "paused automatically after 3 consecutive failed runs; last error: boom"
        harness.events.emit(
            RunEvent(
                kind: .agentPaused, timestamp: harness.clock.now, agentName: "nightly-docs", message: reason,
                details: .pause(PauseDetails(automatic: true, consecutiveFailures: 3))))
        harness.events.emit(
            RunEvent(
                kind: .agentPaused, timestamp: harness.clock.now, agentName: "nightly-docs", message: "by hand",
                details: .pause(PauseDetails(automatic: false, consecutiveFailures: 0))))
        _ = try await harness.run(.failed(.transient, "not for this webhook"))
        try await within("the notifier to deliver") { await notifier.drain() }
        #expect(server.requests.count == 1)
        let body = try #require(try server.requests.first?.json())
        #expect(body["notification"] as? String == "autoPause")
        #expect(body["reason"] as? String == reason)
        #expect(body["consecutiveFailures"] as? Int == 3)
        #expect(body["title"] as? String == "nightly-docs paused after 3 consecutive failures")
    }

    @Test func aWebhookForOtherAgentsStaysQuiet() async throws {
        let server = try TestHTTPServer()
        let harness = OrchestratorHarness()
        var webhook = WebhookConfiguration.localServer(server.url)
        webhook.agents = ["another-agent"]
        let notifier = try harness.notifier([webhook])
        _ = try await harness.run(.failed(.transient, "boom"))
        try await within("the notifier to deliver") { await notifier.drain() }
        #expect(server.requests.isEmpty)
    }
}
