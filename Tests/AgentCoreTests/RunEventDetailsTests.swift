import AgentCore
import Foundation
import Testing

struct RunEventDetailsTests {
    private static let now = Date(timeIntervalSince1970: 1_767_225_600)

    /// One event per payload, and the top-level JSON-line keys its payload adds (Docs/Events.md).
    static let cases: [(RunEvent.Details, [String: JSONValue])] = [
        (
            .failure(RunFailureDetails(failureClass: .transient, isFinal: false)),
            ["failureClass": "transient", "isFinal": false]
        ),
        (
            .retry(
                RetryScheduleDetails(
                    retryAt: now.addingTimeInterval(30), delay: .seconds(30), nextAttempt: 2,
                    failureClass: .rateLimited)),
            [
                "retryAt": "2026-01-01T00:00:30.000Z", "delaySeconds": .double(30), "nextAttempt": 2,
                "failureClass": "rateLimited",
            ]
        ),
        (
            .pause(PauseDetails(automatic: true, consecutiveFailures: 3, origin: .store)),
            ["automatic": true, "consecutiveFailures": 3, "origin": "store"]
        ),
        (
            .schedulerState(SchedulerStateChange(from: "running", to: "error", error: "disk full")),
            ["from": "running", "to": "error", "error": "disk full"]
        ),
        (.deduplication(DeduplicationDetails(reason: .inProgress)), ["reason": "inProgress"]),
        (
            .missedFires(
                MissedFiresDetails(
                    missed: 5, caughtUp: 1, skipped: 4, recorded: 4, misfirePolicy: "runOnce", firstMissed: now,
                    lastMissed: now.addingTimeInterval(240))),
            [
                "missed": 5, "caughtUp": 1, "skipped": 4, "recorded": 4, "misfirePolicy": "runOnce",
                "firstMissed": "2026-01-01T00:00:00.000Z", "lastMissed": "2026-01-01T00:04:00.000Z",
            ]
        ),
        (
            .notification(
                NotificationDeliveryDetails(
                    host: "hooks.example", format: "json", notification: "failure", attempts: 2, statusCode: 503)),
            ["host": "hooks.example", "format": "json", "notification": "failure", "attempts": 2, "statusCode": 503]
        ),
        (.log(LogDetails(level: "warning")), ["level": "warning"]),
        (
            .toolCall(
                ToolCallDetails(
                    name: "shell", inputSummary: "swift build", duration: .milliseconds(1250), outcome: .failed)
            ),
            ["tool": "shell", "input": "swift build", "durationMs": 1250, "outcome": "failed"]
        ),
        (
            .serviceLevelBreach(ServiceLevelBreach(rule: .mustSucceedBy, deadline: now, day: "2026-01-01")),
            ["rule": "mustSucceedBy", "deadline": "2026-01-01T00:00:00.000Z", "day": "2026-01-01"]
        ),
        (
            .overdueFire(OverdueFireDetails(fire: now, overdueSince: now.addingTimeInterval(300))),
            ["fire": "2026-01-01T00:00:00.000Z", "overdueSince": "2026-01-01T00:05:00.000Z"]
        ),
    ]

    @Test(arguments: cases.indices)
    func theJSONLineKeepsItsStableKeysAndAddsThePayloadsFields(index: Int) throws {
        let (payload, details) = Self.cases[index]
        let event = RunEvent(
            kind: .runFailed, timestamp: Self.now, agentName: "nightly", runID: try RunID("01JD5X3K6Y8M2Q4R7T9V0W1X2Y"),
            attempt: 1, status: .failed, message: "m", details: payload)
        var expected = details
        expected.merge(
            [
                "event": "runFailed", "ts": "2026-01-01T00:00:00.000Z", "agent": "nightly",
                "runID": "01JD5X3K6Y8M2Q4R7T9V0W1X2Y", "attempt": 1, "status": "failed", "message": "m",
            ], uniquingKeysWith: { _, stable in stable })
        #expect(event.jsonLine == JSONValue.object(expected).canonicalText)
    }

    @Test(arguments: cases.indices)
    func detailsSurviveACodableRoundTrip(index: Int) throws {
        let event = RunEvent(kind: .runLog, timestamp: Self.now, details: Self.cases[index].0)
        let decoded = try JSONDecoder().decode(RunEvent.self, from: JSONEncoder().encode(event))
        #expect(decoded == event)
    }

    @Test func aLogLinesOwnFieldsGoUnderFields() throws {
        let event = RunEvent(
            kind: .runLog, timestamp: Self.now, message: "hi",
            details: .log(LogDetails(level: "info", fields: ["k": "v"])))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(event.jsonLine.utf8)) as? [String: Any])
        #expect(object["fields"] as? [String: String] == ["k": "v"])
        #expect(object["level"] as? String == "info")
    }

    @Test func accessorsAnswerOnlyForTheirPayload() {
        let event = RunEvent(
            kind: .runFailed, timestamp: Self.now,
            details: .failure(RunFailureDetails(failureClass: nil, isFinal: true)))
        #expect(event.isFinalFailure)
        #expect(event.retry == nil)
        #expect(RunEvent(kind: .runSucceeded, timestamp: Self.now).isFinalFailure == false)
    }

    @Test func toolCallsReachSubscribers() async throws {
        let events = EventBroadcaster()
        var iterator = events.subscribe().makeAsyncIterator()
        let context = AgentRunContext(
            runID: try RunID("01JD5X3K6Y8M2Q4R7T9V0W1X2Y"), attempt: 1, request: AgentRunRequest(agent: "coder"),
            clock: ManualClock(), deadline: Self.now, events: events)
        context.toolCall(name: "edit_file", input: "Sources/main.swift", duration: .seconds(2), outcome: .succeeded)
        context.toolCall(name: "shell", input: "swift test", outcome: .failed, message: "2 tests failed")
        let first = try #require(await iterator.next())
        let second = try #require(await iterator.next())
        #expect(first.kind == .toolCall)
        #expect(first.agentName == "coder")
        #expect(
            first.toolCall
                == ToolCallDetails(name: "edit_file", inputSummary: "Sources/main.swift", duration: .seconds(2)))
        #expect(second.toolCall?.outcome == .failed)
        #expect(second.message == "2 tests failed")
        #expect(second.jsonLine.contains("\"tool\":\"shell\""))
    }
}
