import AgentCore
import AgentScheduling
import AgentServerKit
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Run endpoints")
struct RunEndpointTests {
    @Test("POST /agents/{name}/runs: 202 with the run and Location; the same Idempotency-Key after success: 200")
    func triggerAndIdempotency() async throws {
        try await ServerFixture.with { fixture, client in
            let key = "test-key-\(UUID().uuidString)"
            let first = try await ServerFixture.trigger("echo", client: client, key: key)
            #expect(first.status == .accepted)
            let ended = try await fixture.waitForEnd(first.id)
            #expect(ended.status == .succeeded)
            #expect(ended.correlationID == "test")
            #expect(ended.parameters == .object(["n": .integer(1)]))
            let again = try await ServerFixture.trigger("echo", client: client, key: key)
            #expect(again.status == .ok)
            #expect(again.id == first.id)
            try await client.execute(
                uri: "/api/v1/agents/echo/runs", method: .post, headers: ServerFixture.headers(.operate, json: true),
                body: ByteBuffer(string: "{}")
            ) { response in
                #expect(response.status == .accepted)
                #expect(response.headers[.location]?.hasPrefix("/api/v1/runs/") == true)
            }
        }
    }

    @Test("POST /agents/{name}/runs: every bad input is a 4xx JSON error")
    func triggerBadInput() async throws {
        try await ServerFixture.with { _, client in
            let cases: [(uri: String, headers: HTTPFields, body: String, status: HTTPResponse.Status, code: String)] = [
                (
                    "/api/v1/agents/nobody/runs", ServerFixture.headers(.operate, json: true), "{}", .notFound,
                    "unknownAgent"
                ),
                (
                    "/api/v1/agents/bad%20name/runs", ServerFixture.headers(.operate, json: true), "{}", .badRequest,
                    "invalidParameter"
                ),
                (
                    "/api/v1/agents/echo/runs", ServerFixture.headers(.operate, json: true), "[1]", .badRequest,
                    "invalidParameter"
                ),
                (
                    "/api/v1/agents/echo/runs", ServerFixture.headers(.operate, json: true), "{", .badRequest,
                    "invalidParameter"
                ),
                (
                    "/api/v1/agents/echo/runs", ServerFixture.headers(.operate, json: true), #"{"parameters": 3}"#,
                    .badRequest, "invalidParameter"
                ),
                (
                    "/api/v1/agents/echo/runs", ServerFixture.headers(.operate, json: true),
                    #"{"businessDate": "2026-13-40"}"#, .badRequest, "invalidParameter"
                ),
                (
                    "/api/v1/agents/echo/runs", ServerFixture.headers(.operate, json: true), #"{"extra": 1}"#,
                    .badRequest, "invalidParameter"
                ),
                (
                    "/api/v1/agents/echo/runs", ServerFixture.headers(.operate, json: true), #"{"correlationId": ""}"#,
                    .badRequest, "invalidParameter"
                ),
                (
                    "/api/v1/agents/echo/runs", ServerFixture.headers(.operate), "{}", .unsupportedMediaType,
                    "unsupportedMediaType"
                ),
                (
                    "/api/v1/agents/echo/runs", ServerFixture.headers(.operate, json: true),
                    String(repeating: " ", count: 70_000) + "{}", .contentTooLarge, "bodyTooLarge"
                ),
            ]
            for item in cases {
                try await client.execute(
                    uri: item.uri, method: .post, headers: item.headers, body: ByteBuffer(string: item.body)
                ) { response in
                    #expect(response.status == item.status, "\(item.uri) \(item.body.prefix(40))")
                    let code = try ServerFixture.errorCode(response)
                    #expect(code == item.code, "\(item.uri) \(item.body.prefix(40))")
                }
            }
            var badKey = ServerFixture.headers(.operate, json: true)
            if let name = HTTPField.Name("Idempotency-Key") { badKey[name] = String(repeating: "k", count: 300) }
            try await client.execute(
                uri: "/api/v1/agents/echo/runs", method: .post, headers: badKey, body: ByteBuffer(string: "{}")
            ) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("Idempotency-Key"))
            }
        }
    }

    @Test("GET /agents/runs: keyset pages, newest first, with filters; runs.csv with the same filters")
    func listAndCSV() async throws {
        try await ServerFixture.with { fixture, client in
            var ids: [String] = []
            for _ in 0..<3 {
                let run = try await ServerFixture.trigger("echo", client: client)
                _ = try await fixture.waitForEnd(run.id)
                ids.append(run.id)
            }
            let first = try await client.execute(
                uri: "/api/v1/agents/runs?agentName=echo&limit=2&status=succeeded,failed", method: .get,
                headers: ServerFixture.headers(.read)
            ) { response in
                #expect(response.status == .ok)
                return try ServerFixture.json(response)
            }
            guard case .array(let items)? = first["items"], case .string(let cursor)? = first["next_cursor"] else {
                Issue.record("unexpected page \(first)")
                return
            }
            #expect(items.count == 2)
            #expect(items.first?.objectValue?["id"] == .string(ids[2]))
            let second = try await client.execute(
                uri: "/api/v1/agents/runs?agentName=echo&limit=2&status=succeeded,failed&cursor=\(cursor)",
                method: .get, headers: ServerFixture.headers(.read)
            ) { try ServerFixture.json($0) }
            #expect(second["next_cursor"] == .null)
            if case .array(let rest)? = second["items"] {
                #expect(rest.map { $0.objectValue?["id"] } == [.string(ids[0])])
            }
            try await client.execute(
                uri: "/api/v1/agents/runs.csv?agentName=echo", method: .get, headers: ServerFixture.headers(.read)
            ) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/csv") == true)
                let lines = String(buffer: response.body).split(whereSeparator: \.isNewline)
                #expect(lines.count == 4)
                #expect(lines.dropFirst().first?.contains(ids[2]) == true)
            }
        }
    }

    @Test("GET /agents/runs: the same page again is the same bytes; a changed run is listed changed, never stale")
    func listAfterAChange() async throws {
        try await ServerFixture.with { fixture, client in
            let run = try await ServerFixture.trigger("echo", client: client)
            var record = try await fixture.waitForEnd(run.id)
            let uri = "/api/v1/agents/runs?agentName=echo&limit=50"
            func list() async throws -> String {
                try await client.execute(uri: uri, method: .get, headers: ServerFixture.headers(.read)) { response in
                    #expect(response.status == .ok)
                    return String(buffer: response.body)
                }
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            func expected(_ record: RunRecord) throws -> String {
                #"{"items":["# + String(decoding: try encoder.encode(record), as: UTF8.self)
                    + #"],"next_cursor":null}"#
            }
            let first = try await list()
            #expect(first == (try expected(record)))
            #expect(try await list() == first)
            record.summary = (record.summary ?? "") + " (changed)"
            try await fixture.server.gateway.store.updateRun(record)
            #expect(try await list() == (try expected(record)))
        }
    }

    @Test("GET /agents/runs: bad filters are 400 naming the parameter")
    func listBadInput() async throws {
        try await ServerFixture.with { _, client in
            let cases: [(String, String)] = [
                ("status=finished", "status"), ("since=yesterday", "since"), ("until=2026-99-01", "until"),
                ("limit=0", "limit"), ("limit=1001", "limit"), ("limit=ten", "limit"), ("cursor=garbage", "cursor"),
                ("agentName=%2Fetc", "agentName"), ("colour=red", "colour"),
                ("since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z", "until"),
            ]
            for (query, field) in cases {
                // The CSV export allows pages of up to 10,000 rows.
                let paths =
                    query == "limit=1001"
                    ? ["/api/v1/agents/runs"] : ["/api/v1/agents/runs", "/api/v1/agents/runs.csv"]
                for path in paths {
                    try await client.execute(
                        uri: "\(path)?\(query)", method: .get, headers: ServerFixture.headers(.read)
                    ) { response in
                        #expect(response.status == .badRequest, "\(path)?\(query)")
                        let error = try ServerFixture.json(response)["error"]?.objectValue
                        #expect(error?["field"] == .string(field), "\(path)?\(query)")
                    }
                }
            }
            try await client.execute(
                uri: "/api/v1/agents/runs.csv?limit=10001", method: .get, headers: ServerFixture.headers(.read)
            ) { #expect($0.status == .badRequest) }
        }
    }

    @Test("GET /runs/{id}, its logs with stream and tail, and bad ids")
    func detailAndLogs() async throws {
        try await ServerFixture.with { fixture, client in
            let run = try await ServerFixture.trigger("echo", client: client)
            _ = try await fixture.waitForEnd(run.id)
            try await client.execute(uri: "/api/v1/runs/\(run.id)", method: .get, headers: ServerFixture.headers(.read))
            {
                #expect($0.status == .ok)
                let body = try ServerFixture.json($0)
                #expect(body["status"] == .string("succeeded"))
            }
            try await client.execute(
                uri: "/api/v1/runs/\(run.id)/logs?tail=2", method: .get, headers: ServerFixture.headers(.read)
            ) {
                let body = try ServerFixture.json($0)
                #expect(body["lines"] == .array([.string("two"), .string("three")]))
                #expect(body["totalLines"] == .integer(3))
            }
            try await client.execute(
                uri: "/api/v1/runs/\(run.id)/logs?stream=stderr", method: .get, headers: ServerFixture.headers(.read)
            ) { response in
                let body = try ServerFixture.json(response)
                #expect(body["lines"] == .array([.string("oops")]))
            }
            let bad: [(String, HTTPResponse.Status)] = [
                ("/api/v1/runs/not-a-run", .badRequest), ("/api/v1/runs/01ARZ3NDEKTSV4RRFFQ69G5FAV", .notFound),
                ("/api/v1/runs/\(run.id)/logs?stream=transcript", .badRequest),
                ("/api/v1/runs/\(run.id)/logs?tail=0", .badRequest),
                ("/api/v1/runs/\(run.id)/logs?tail=x", .badRequest),
                ("/api/v1/runs/01ARZ3NDEKTSV4RRFFQ69G5FAV/logs", .notFound), ("/api/v1/nothing", .notFound),
            ]
            for (uri, status) in bad {
                try await client.execute(uri: uri, method: .get, headers: ServerFixture.headers(.read)) {
                    #expect($0.status == status, "\(uri)")
                    let code = try ServerFixture.errorCode($0)
                    #expect(code != nil, "\(uri)")
                }
            }
        }
    }

    @Test("POST /runs/{id}/cancel: 202 for a running run, which ends cancelled; 409 once it ended")
    func cancel() async throws {
        try await ServerFixture.with { fixture, client in
            let run = try await ServerFixture.trigger("sleeper", client: client)
            try await client.execute(
                uri: "/api/v1/runs/\(run.id)/cancel", method: .post, headers: ServerFixture.headers(.operate)
            ) { #expect($0.status == .accepted) }
            let ended = try await fixture.waitForEnd(run.id)
            #expect(ended.status == .cancelled)
            try await client.execute(
                uri: "/api/v1/runs/\(run.id)/cancel", method: .post, headers: ServerFixture.headers(.operate)
            ) {
                #expect($0.status == .conflict)
                let code = try ServerFixture.errorCode($0)
                #expect(code == "runEnded")
            }
        }
    }
}

extension JSONValue {
    /// The members of an object, or `nil`.
    var objectValue: [String: JSONValue]? {
        if case .object(let members) = self { return members }
        return nil
    }
}
