import AgentCore
import AgentScheduling
import AgentServerKit
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Approvals: the queue, approve and reject")
struct ApprovalEndpointTests {
    /// Triggers `proposer` and waits (at most 20 s) until the runner recorded its approval request.
    static func proposal(_ fixture: ServerFixture, client: some TestClientProtocol) async throws -> String {
        let events = fixture.server.gateway.runner.events.subscribe()
        let run = try await ServerFixture.trigger("proposer", client: client)
        try await ServerFixture.deadline("the approval request of run \(run.id)") {
            for await event in events where event.runID?.rawValue == run.id && event.kind == .approvalRequested {
                return
            }
        }
        return run.id
    }

    /// Sends a decision as the approver and returns the status and the JSON body.
    static func decide(
        _ verdict: String, run: String, body: String, client: some TestClientProtocol,
        headers: HTTPFields = ServerFixture.headers(.approve, json: true)
    ) async throws -> (status: HTTPResponse.Status, body: [String: JSONValue]) {
        try await client.execute(
            uri: "/api/v1/runs/\(run)/\(verdict)", method: .post, headers: headers, body: ByteBuffer(string: body)
        ) { response in (response.status, try ServerFixture.json(response)) }
    }

    /// The approval requests listed for a query.
    static func list(_ query: String, client: some TestClientProtocol) async throws -> [JSONValue] {
        try await client.execute(
            uri: "/api/v1/approvals\(query)", method: .get, headers: ServerFixture.headers(.read)
        ) { response in
            #expect(response.status == .ok, "GET /api/v1/approvals\(query): \(String(buffer: response.body))")
            guard case .array(let items)? = try ServerFixture.json(response)["items"] else { return [] }
            return items
        }
    }

    /// The `error` object of an error body.
    static func error(_ body: [String: JSONValue]) -> [String: JSONValue] {
        body["error"]?.objectValue ?? [:]
    }

    @Test("a pending request is listed; approving it ends the run succeeded; repeating answers unchanged")
    func approve() async throws {
        try await ServerFixture.with { fixture, client in
            let id = try await Self.proposal(fixture, client: client)
            let pending = try await Self.list("?state=pending", client: client)
            let item = pending.first { $0.objectValue?["runID"] == .string(id) }?.objectValue
            #expect(item?["agentName"] == .string("proposer"))
            #expect(item?["outputsURI"] == .string("https://example.test/pull/42"))
            #expect(item?["state"] == .string("pending"))
            #expect(item?["approvers"] == .array([.string("alice"), .string("bob")]))
            for field in ["requestedAt", "deadline"] {
                guard case .string(let text)? = item?[field] else {
                    Issue.record("\(field) is not a timestamp in \(String(describing: item))")
                    continue
                }
                #expect(Timestamp.parse(text) != nil, "\(field): \(text)")
            }

            let approved = try await Self.decide(
                "approve", run: id, body: #"{"approver": "alice", "comment": "LGTM"}"#, client: client)
            #expect(approved.status == .ok, "\(approved.body)")
            #expect(approved.body["outcome"] == .string("decided"))
            let approval = approved.body["approval"]?.objectValue
            #expect(approval?["state"] == .string("approved"))
            #expect(approval?["decision"]?.objectValue?["decidedBy"] == .string("alice"))
            #expect(approval?["decision"]?.objectValue?["comment"] == .string("LGTM"))
            #expect(approved.body["run"]?.objectValue?["status"] == .string("succeeded"))
            let stored = try await fixture.server.gateway.store.run(id: try RunID(id))
            #expect(stored?.status == .succeeded)

            let again = try await Self.decide("approve", run: id, body: #"{"approver": "bob"}"#, client: client)
            #expect(again.status == .ok)
            #expect(again.body["outcome"] == .string("unchanged"))
            #expect(again.body["approval"]?.objectValue?["decision"]?.objectValue?["decidedBy"] == .string("alice"))

            let refused = try await Self.decide("reject", run: id, body: #"{"approver": "bob"}"#, client: client)
            #expect(refused.status == .conflict)
            #expect(Self.error(refused.body)["code"] == .string("alreadyDecided"))
            #expect(
                Self.error(refused.body)["message"]?.stringValue?.contains("approved by alice") == true,
                "the message says the state: \(refused.body)")

            #expect(try await Self.list("?state=pending", client: client).isEmpty)
            let decided = try await Self.list("?state=approved,rejected", client: client)
            #expect(decided.compactMap { $0.objectValue?["runID"] } == [.string(id)])
            #expect(try await Self.list("", client: client).count == 1, "no state: every request")
        }
    }

    @Test("rejecting ends the run rejected with who and why")
    func reject() async throws {
        try await ServerFixture.with { fixture, client in
            let id = try await Self.proposal(fixture, client: client)
            let rejected = try await Self.decide(
                "reject", run: id, body: #"{"approver": "bob", "comment": "not this week"}"#, client: client)
            #expect(rejected.status == .ok, "\(rejected.body)")
            #expect(rejected.body["approval"]?.objectValue?["state"] == .string("rejected"))
            let run = rejected.body["run"]?.objectValue
            #expect(run?["status"] == .string("rejected"))
            #expect(run?["errorMessage"] == .string("rejected by bob: not this week"))
            #expect(try await Self.list("?state=rejected", client: client).count == 1)
        }
    }

    @Test("bad input: 4xx naming the field, and the request stays pending")
    func badInput() async throws {
        try await ServerFixture.with { fixture, client in
            let id = try await Self.proposal(fixture, client: client)
            let cases: [(body: String, status: HTTPResponse.Status, code: String, field: String?)] = [
                ("", .badRequest, "invalidParameter", "approver"),
                (#"{"comment": "no name"}"#, .badRequest, "invalidParameter", "approver"),
                (#"{"approver": "  "}"#, .badRequest, "invalidParameter", "approver"),
                (#"{"approver": 7}"#, .badRequest, "invalidParameter", "approver"),
                (#"{"approver": "alice", "comment": 7}"#, .badRequest, "invalidParameter", "comment"),
                (#"{"approver": "alice", "verdict": "yes"}"#, .badRequest, "invalidParameter", "verdict"),
                (#"{"approver": "alice""#, .badRequest, "invalidParameter", "body"),
                (#"["alice"]"#, .badRequest, "invalidParameter", "body"),
                (#"{"approver": "mallory"}"#, .forbidden, "notAnApprover", "approver"),
            ]
            for bad in cases {
                for verdict in ["approve", "reject"] {
                    let answer = try await Self.decide(verdict, run: id, body: bad.body, client: client)
                    #expect(answer.status == bad.status, "\(verdict) \(bad.body): \(answer.body)")
                    #expect(Self.error(answer.body)["code"] == .string(bad.code), "\(bad.body)")
                    #expect(Self.error(answer.body)["field"] == bad.field.map(JSONValue.string), "\(bad.body)")
                }
            }
            var text = ServerFixture.headers(.approve)
            text[.contentType] = "text/plain"
            let wrongType = try await Self.decide(
                "approve", run: id, body: #"{"approver": "alice"}"#, client: client, headers: text)
            #expect(wrongType.status == .unsupportedMediaType)
            let huge = #"{"approver": "alice", "comment": ""# + String(repeating: "x", count: 70_000) + #""}"#
            let tooLarge = try await Self.decide("approve", run: id, body: huge, client: client)
            #expect(tooLarge.status == .contentTooLarge)
            let long = #"{"approver": "alice", "comment": ""# + String(repeating: "x", count: 2001) + #""}"#
            let tooLong = try await Self.decide("approve", run: id, body: long, client: client)
            #expect(Self.error(tooLong.body)["field"] == .string("comment"))

            let unknown = try await Self.decide(
                "approve", run: "01ARZ3NDEKTSV4RRFFQ69G5FAV", body: #"{"approver": "alice"}"#, client: client)
            #expect(unknown.status == .notFound)
            #expect(Self.error(unknown.body)["field"] == .string("id"))
            let malformed = try await Self.decide(
                "approve", run: "not-a-run", body: #"{"approver": "alice"}"#, client: client)
            #expect(malformed.status == .badRequest)

            let plain = try await fixture.triggerAndAwaitEndEvent("echo", client: client)
            let notWaiting = try await Self.decide(
                "approve", run: plain, body: #"{"approver": "alice"}"#, client: client)
            #expect(notWaiting.status == .conflict)
            #expect(Self.error(notWaiting.body)["code"] == .string("notAwaitingApproval"))
            #expect(Self.error(notWaiting.body)["message"]?.stringValue?.contains("is succeeded") == true)

            for (query, field) in [
                ("?state=bogus", "state"), ("?state=pending,", "state"), ("?limit=0", "limit"),
                ("?limit=1001", "limit"), ("?color=red", "color"),
            ] {
                try await client.execute(
                    uri: "/api/v1/approvals\(query)", method: .get, headers: ServerFixture.headers(.read)
                ) { response in
                    #expect(response.status == .badRequest, "\(query)")
                    let body = try ServerFixture.json(response)
                    #expect(Self.error(body)["field"] == .string(field), "\(query)")
                }
            }

            let pending = try await Self.list("?state=pending", client: client)
            #expect(pending.compactMap { $0.objectValue?["runID"] } == [.string(id)], "no bad input decided it")
            let stored = try await fixture.server.gateway.store.run(id: try RunID(id))
            #expect(stored?.status == .awaitingApproval)
        }
    }

    @Test("only the approve role decides: 401 without a token, 403 for read and operate")
    func roles() async throws {
        try await ServerFixture.with { fixture, client in
            let id = try await Self.proposal(fixture, client: client)
            let body = #"{"approver": "alice"}"#
            for verdict in ["approve", "reject"] {
                let anonymous = try await Self.decide(
                    verdict, run: id, body: body, client: client, headers: [.contentType: "application/json"])
                #expect(anonymous.status == .unauthorized)
                for role in [Access.Role.read, .operate] {
                    let answer = try await Self.decide(
                        verdict, run: id, body: body, client: client, headers: ServerFixture.headers(role, json: true))
                    #expect(answer.status == .forbidden, "\(role) \(verdict)")
                }
            }
            #expect(try await Self.list("?state=pending", client: client).count == 1, "still pending")
        }
    }
}
