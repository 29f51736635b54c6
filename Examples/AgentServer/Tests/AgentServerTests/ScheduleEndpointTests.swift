import AgentCore
import AgentScheduling
import AgentServerKit
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Schedule changes: PUT and DELETE /agents/{agentName}/schedule")
struct ScheduleEndpointTests {
    /// Sends a request as the operator and returns the status and the JSON body.
    static func send(
        _ method: HTTPRequest.Method, agent: String = "echo", body: String = "", client: some TestClientProtocol,
        headers: HTTPFields = ServerFixture.headers(.operate, json: true)
    ) async throws -> (status: HTTPResponse.Status, body: [String: JSONValue]) {
        try await client.execute(
            uri: "/api/v1/agents/\(agent)/schedule", method: method, headers: headers, body: ByteBuffer(string: body)
        ) { response in (response.status, try ServerFixture.json(response)) }
    }

    /// Waits (at most 20 s) until this server's runner shows `echo` as `condition` wants: schedule changes reach
    /// the runner through the store's change feed.
    static func untilRunner(
        _ fixture: ServerFixture, _ what: String, _ condition: @escaping @Sendable (ScheduledAgent) -> Bool
    ) async throws {
        let scheduler = fixture.server.gateway.runner.scheduler
        try await ServerFixture.deadline(what) {
            while true {
                if let echo = await scheduler.agents().first(where: { $0.name == "echo" }), condition(echo) { return }
                try await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    @Test("an interval set over the API is applied by the live runner; DELETE goes back to manual")
    func intervalAppliedAndCleared() async throws {
        try await ServerFixture.with { fixture, client in
            let set = try await Self.send(.put, body: #"{"interval": "1h"}"#, client: client)
            #expect(set.status == .ok, "\(set.body)")
            #expect(set.body["schedule"] == .object(["kind": "interval", "everySeconds": .integer(3600)]))
            #expect(set.body["configuredSchedule"] == .object(["kind": "manual"]))
            #expect(set.body["overridden"] == .bool(true))
            guard case .array(let upcoming)? = set.body["upcoming"], case .string(let first)? = upcoming.first,
                let firstFire = Timestamp.parse(first)
            else {
                Issue.record("no upcoming fires in \(set.body)")
                return
            }
            #expect(upcoming.count == 5)
            // An hourly interval is aligned to the epoch: the next whole hour.
            #expect(Int(firstFire.timeIntervalSince1970) % 3600 == 0)
            #expect(firstFire > Date() && firstFire <= Date().addingTimeInterval(3600))

            try await Self.untilRunner(fixture, "the runner to fire echo hourly") {
                $0.isScheduleOverridden && $0.nextFireAt == firstFire
            }
            let shown = try await Self.send(.get, client: client, headers: ServerFixture.headers(.read))
            #expect(shown.body["nextFireAt"] == .string(first))
            #expect(shown.body["description"] == .string("every hour"), "the scheduler's description")

            let cleared = try await Self.send(.delete, client: client)
            #expect(cleared.status == .ok)
            #expect(cleared.body["schedule"] == .object(["kind": "manual"]))
            #expect(cleared.body["overridden"] == .bool(false))
            #expect(cleared.body["nextFireAt"] == nil)
            #expect(cleared.body["upcoming"] == .array([]))
            try await Self.untilRunner(fixture, "the runner to go back to manual") {
                !$0.isScheduleOverridden && $0.nextFireAt == nil
            }
            let again = try await Self.send(.delete, client: client)
            #expect(again.status == .ok, "clearing twice changes nothing and is fine")
        }
    }

    @Test("cron with a time zone, then manual: each answered with the schedule in force")
    func cronThenManual() async throws {
        try await ServerFixture.with { fixture, client in
            let cron = try await Self.send(
                .put, body: #"{"cron": "*/5 * * * *", "timeZone": "Europe/Berlin"}"#, client: client)
            #expect(cron.status == .ok, "\(cron.body)")
            #expect(
                cron.body["schedule"]
                    == .object(["kind": "cron", "expression": "*/5 * * * *", "timeZone": "Europe/Berlin"]))
            #expect(cron.body["description"]?.stringValue?.contains("5 minutes") == true, "\(cron.body)")
            try await Self.untilRunner(fixture, "the runner to fire echo every five minutes") {
                $0.schedule == .cron("*/5 * * * *", timeZone: "Europe/Berlin") && $0.nextFireAt != nil
            }
            let manual = try await Self.send(.put, body: #"{"manual": true}"#, client: client)
            #expect(manual.status == .ok)
            #expect(manual.body["schedule"] == .object(["kind": "manual"]))
            #expect(manual.body["overridden"] == .bool(true))
            let stored = try await fixture.server.gateway.store.scheduleState(for: "echo")
            #expect(stored?.scheduleOverride == .manualOnly)
        }
    }

    @Test("bad input: 4xx naming the field (the cron parser's message for a bad expression); nothing is written")
    func badInput() async throws {
        try await ServerFixture.with { fixture, client in
            let cases: [(body: String, status: HTTPResponse.Status, field: String)] = [
                (#"{"cron": "61 * * * *"}"#, .badRequest, "cron"),
                (#"{"cron": "not cron"}"#, .badRequest, "cron"),
                (#"{"cron": ""}"#, .badRequest, "cron"),
                (#"{"cron": 5}"#, .badRequest, "cron"),
                (#"{"cron": "*/5 * * * *", "timeZone": "Mars/Olympus"}"#, .badRequest, "timeZone"),
                (#"{"interval": "soon"}"#, .badRequest, "interval"),
                (#"{"interval": "0s"}"#, .badRequest, "interval"),
                (#"{"interval": 0.5}"#, .badRequest, "interval"),
                (#"{"interval": "1m", "timeZone": "UTC"}"#, .badRequest, "timeZone"),
                (#"{"manual": false}"#, .badRequest, "manual"),
                (#"{"cron": "* * * * *", "interval": "1m"}"#, .badRequest, "interval"),
                (#"{"every": "1m"}"#, .badRequest, "every"),
                ("", .badRequest, "body"),
                (#"{"interval": "1m""#, .badRequest, "body"),
            ]
            for bad in cases {
                let answer = try await Self.send(.put, body: bad.body, client: client)
                let error = answer.body["error"]?.objectValue
                #expect(answer.status == bad.status, "\(bad.body): \(answer.body)")
                #expect(error?["field"] == .string(bad.field), "\(bad.body): \(answer.body)")
                #expect(error?["message"]?.stringValue?.isEmpty == false)
            }
            let parser = try await Self.send(.put, body: #"{"cron": "61 * * * *"}"#, client: client)
            #expect(
                parser.body["error"]?.objectValue?["message"]?.stringValue?.contains("61") == true,
                "the parser's message names the bad value: \(parser.body)")
            var text = ServerFixture.headers(.operate)
            text[.contentType] = "text/plain"
            let wrongType = try await Self.send(.put, body: #"{"manual": true}"#, client: client, headers: text)
            #expect(wrongType.status == .unsupportedMediaType)
            let unknown = try await Self.send(.put, agent: "nobody", body: #"{"manual": true}"#, client: client)
            #expect(unknown.status == .notFound)
            let unknownDelete = try await Self.send(.delete, agent: "nobody", client: client)
            #expect(unknownDelete.status == .notFound)
            #expect(try await fixture.server.gateway.store.scheduleState(for: "echo")?.scheduleOverride == nil)
        }
    }
}
