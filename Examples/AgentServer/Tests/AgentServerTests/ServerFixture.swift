import AgentCore
import AgentScheduling
import AgentServerKit
import AgentStorage
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// A real server over a real JSON-file store in a temporary directory, with three manual-only shell agents
/// (`echo` succeeds and prints three lines, `sleeper` runs until cancelled, `proposer` ends awaiting the approval
/// of alice or bob), a one-stage pipeline `release` run by `echo`, and three tokens, one per role. The runner runs for
/// the fixture's life.
struct ServerFixture {
    static let readToken = "read-token-0123456789abcdef"
    static let operateToken = "operate-token-0123456789abcdef"
    static let approveToken = "approve-token-0123456789abcdef"

    let directory: URL
    let server: AgentServer

    static let configuration = """
        {
          "maxConcurrentRuns": 8,
          "shutdownGracePeriod": "2s",
          "server": {
            "tokens": [
              {"name": "reader", "token": {"fromEnv": "TEST_READ_TOKEN"}, "role": "read"},
              {"name": "operator", "token": {"fromEnv": "TEST_OPERATE_TOKEN"}, "role": "operate"},
              {"name": "approver", "token": {"fromEnv": "TEST_APPROVE_TOKEN"}, "role": "approve"}
            ]
          },
          "agents": [
            {"name": "echo", "command": ["sh", "-c", "echo one; echo two; echo three; echo oops >&2"], "schedule": "manual"},
            {"name": "sleeper", "command": ["sh", "-c", "echo started; sleep 60 & wait"], "schedule": "manual",
             "retry": false},
            {"name": "proposer", "command": ["sh", "-c", "echo opened https://example.test/pull/42"],
             "schedule": "manual", "awaitApprovalOn": "https://example[.]test/pull/[0-9]+"}
          ],
          "approvals": {"proposer": {"approvers": ["alice", "bob"]}},
          "pipelines": [{"name": "release", "stages": [{"name": "build", "agent": "echo"}]}]
        }
        """

    /// Runs `body` with a started server; the runner is stopped and the directory removed afterwards.
    static func with(
        tokens: Bool = true, live: Bool = false,
        _ body: @Sendable (ServerFixture, any TestClientProtocol) async throws -> Void
    ) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "agent-server-tests-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("agentctl.json")
        try Data(configuration.utf8).write(to: file)
        let environment = [
            "TEST_READ_TOKEN": readToken, "TEST_OPERATE_TOKEN": operateToken, "TEST_APPROVE_TOKEN": approveToken,
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
        ]
        var options = try ServerOptions.resolve(
            configPath: file.path, listen: "127.0.0.1:0", databaseURL: nil, environment: environment)
        if !tokens { options.tokens = [] }
        let server = try await AgentServer.open(options)
        let fixture = ServerFixture(directory: directory, server: server)
        let runner = Task { try await server.gateway.runner.run() }
        defer { runner.cancel() }
        if live {
            try await server.makeApplication().test(.live) { client in try await body(fixture, client) }
        } else {
            try await Application(router: server.makeRouter()).test(.router) { client in
                try await body(fixture, client)
            }
        }
        runner.cancel()
        _ = await runner.result
    }

    /// The Authorization header of a role's token.
    static func headers(_ role: Access.Role?, json: Bool = false) -> HTTPFields {
        var fields: HTTPFields = [:]
        switch role {
        case .read?: fields[.authorization] = "Bearer \(readToken)"
        case .operate?: fields[.authorization] = "Bearer \(operateToken)"
        case .approve?: fields[.authorization] = "Bearer \(approveToken)"
        case nil: break
        }
        if json { fields[.contentType] = "application/json" }
        return fields
    }

    /// Decodes a JSON response body.
    static func json(_ response: TestResponse) throws -> [String: JSONValue] {
        let value = try JSONValue.parse(String(buffer: response.body))
        guard case .object(let members) = value else { throw FixtureError("not a JSON object: \(value)") }
        return members
    }

    /// The error code of a JSON error response.
    static func errorCode(_ response: TestResponse) throws -> String? {
        guard case .object(let error)? = try json(response)["error"], case .string(let code)? = error["code"] else {
            return nil
        }
        return code
    }

    /// Triggers a run of an agent as the operator and returns its id.
    static func trigger(
        _ agent: String, client: some TestClientProtocol, key: String? = nil
    ) async throws -> (status: HTTPResponse.Status, id: String) {
        var headers = headers(.operate, json: true)
        if let key, let name = HTTPField.Name("Idempotency-Key") { headers[name] = key }
        return try await client.execute(
            uri: "/api/v1/agents/\(agent)/runs", method: .post, headers: headers,
            body: ByteBuffer(string: #"{"parameters": {"n": 1}, "correlationId": "test"}"#)
        ) { response in
            guard case .string(let id)? = try json(response)["id"] else {
                throw FixtureError("no run id in \(String(buffer: response.body))")
            }
            return (response.status, id)
        }
    }

    /// Runs `body`, failing when it takes longer than `seconds` (real time).
    static func deadline<T: Sendable>(
        seconds: Int = 20, _ what: String, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await withRealTimeDeadline(
            seconds: Double(seconds), FixtureError("timed out after \(seconds) s waiting for \(what)"), body)
    }

    /// Triggers a run and waits (at most 20 s) for its terminal event, which every event sink (the metrics) has
    /// seen by then.
    func triggerAndAwaitEndEvent(_ agent: String, client: some TestClientProtocol) async throws -> String {
        let events = server.gateway.runner.events.subscribe()
        let run = try await Self.trigger(agent, client: client)
        let ends: Set<RunEvent.Kind> = [.runSucceeded, .runFailed, .runTimedOut, .runCancelled, .runAbandoned]
        try await Self.deadline("the end event of run \(run.id)") {
            for await event in events where event.runID?.rawValue == run.id && ends.contains(event.kind) { return }
        }
        return run.id
    }

    /// Waits (at most 20 s, following the store's change feed) until a run ended.
    func waitForEnd(_ id: String) async throws -> RunRecord {
        let record = try await server.gateway.runner.control.waitForEnd(of: try RunID(id), timeout: .seconds(20))
        #expect(record.status.isTerminal, "run \(id) did not end within 20 s")
        return record
    }
}

/// A fixture's complaint.
struct FixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
