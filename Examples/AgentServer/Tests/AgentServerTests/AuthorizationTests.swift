import AgentCore
import AgentScheduling
import AgentServerKit
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PostgresAgentStore
import Testing

@Suite("Bearer tokens and roles")
struct AuthorizationTests {
    /// Every endpoint with the role it needs; `{run}` is replaced by a real run's id.
    static let endpoints: [(method: HTTPRequest.Method, uri: String, role: Access.Role)] = [
        (.get, "/api/v1/agents/runs", .read), (.get, "/api/v1/agents/runs.csv", .read),
        (.get, "/api/v1/runs/{run}", .read), (.get, "/api/v1/runs/{run}/logs", .read),
        (.get, "/api/v1/agents/health", .read), (.get, "/api/v1/scheduler/status", .read),
        (.get, "/api/v1/agents/echo/schedule", .read), (.get, "/metrics", .read), (.get, "/api/v1/metrics", .read),
        (.get, "/api/v1/events", .read), (.post, "/api/v1/agents/echo/runs", .operate),
        (.post, "/api/v1/runs/{run}/cancel", .operate), (.post, "/api/v1/agents/echo/pause", .operate),
        (.post, "/api/v1/agents/echo/resume", .operate), (.get, "/api/v1/approvals", .read),
        (.post, "/api/v1/runs/{run}/approve", .approve), (.post, "/api/v1/runs/{run}/reject", .approve),
        (.put, "/api/v1/agents/echo/schedule", .operate), (.delete, "/api/v1/agents/echo/schedule", .operate),
    ]

    @Test("401 without a token or with a wrong one, 403 for a role that does not allow the call, else allowed")
    func everyEndpointEveryRole() async throws {
        try await ServerFixture.with { fixture, client in
            let run = try await ServerFixture.trigger("echo", client: client)
            _ = try await fixture.waitForEnd(run.id)
            let wrong: HTTPFields = [.authorization: "Bearer wrong-token-0123456789abcdef"]
            let malformed: HTTPFields = [.authorization: "Basic \(ServerFixture.readToken)"]
            for endpoint in Self.endpoints {
                let uri = endpoint.uri.replacingOccurrences(of: "{run}", with: run.id)
                for headers in [HTTPFields(), wrong, malformed] {
                    try await client.execute(uri: uri, method: endpoint.method, headers: headers) { response in
                        #expect(response.status == .unauthorized, "\(endpoint.method) \(uri)")
                        #expect(response.headers[.wwwAuthenticate] == "Bearer")
                        let code = try ServerFixture.errorCode(response)
                        #expect(code == "unauthorized")
                        #expect(!String(buffer: response.body).contains(ServerFixture.readToken))
                    }
                }
                for role in Access.Role.allCases {
                    try await client.execute(
                        uri: uri, method: endpoint.method, headers: ServerFixture.headers(role)
                    ) { response in
                        if role.allows(endpoint.role) {
                            #expect(response.status != .unauthorized && response.status != .forbidden, "\(role) \(uri)")
                        } else {
                            #expect(response.status == .forbidden, "\(role) \(endpoint.method) \(uri)")
                            let code = try ServerFixture.errorCode(response)
                            #expect(code == "forbidden")
                        }
                    }
                }
            }
        }
    }

    @Test("GET /api/v1/session tells the dashboard the caller's roles")
    func session() async throws {
        try await ServerFixture.with { _, client in
            let expectations: [(Access.Role?, [JSONValue])] = [
                (nil, []), (.read, [.string("read")]), (.operate, [.string("read"), .string("operate")]),
                (.approve, [.string("read"), .string("approve")]),
            ]
            for (role, roles) in expectations {
                try await client.execute(uri: "/api/v1/session", method: .get, headers: ServerFixture.headers(role)) {
                    let body = try ServerFixture.json($0)
                    #expect(body["roles"] == .array(roles))
                    #expect(body["tokensRequired"] == .bool(true))
                }
            }
        }
        try await ServerFixture.with(tokens: false) { _, client in
            try await client.execute(uri: "/api/v1/session", method: .get) {
                let body = try ServerFixture.json($0)
                #expect(body["tokensRequired"] == .bool(false))
                #expect(body["roles"]?.arrayCount == 3)
            }
            try await client.execute(
                uri: "/api/v1/agents/echo/pause", method: .post
            ) { #expect($0.status == .ok) }
        }
    }

    @Test("a non-loopback address without tokens is refused; loopback without tokens is fine")
    func loopbackRule() throws {
        let configuration = RunnerConfigurationFixture.minimal()
        #expect(throws: ServerStartupError.self) {
            try ServerOptions(configuration: configuration, listen: ListenAddress(host: "0.0.0.0", port: 8080))
        }
        for host in ["127.0.0.1", "localhost", "::1", "127.1.2.3"] {
            #expect(throws: Never.self) {
                try ServerOptions(configuration: configuration, listen: ListenAddress(host: host, port: 8080))
            }
        }
        #expect(throws: Never.self) {
            try ServerOptions(
                configuration: configuration, listen: ListenAddress(host: "0.0.0.0", port: 8080),
                tokens: [.init(name: "ci", secret: "0123456789abcdef0123", role: .read)])
        }
        for bad in ["8080", "host:", ":80", "127.0.0.1:99999", "127.0.0.1:http"] {
            #expect(throws: ServerStartupError.self, "\(bad)") { try ListenAddress(parsing: bad) }
        }
        #expect(try ListenAddress(parsing: "[::1]:8080") == ListenAddress(host: "::1", port: 8080))
    }

    @Test("tokens: an unset variable or a short token is a configuration error; none is ever in a message")
    func tokenConfiguration() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "agent-server-config-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("agentctl.json")
        try Data(ServerFixture.configuration.utf8).write(to: file)
        do {
            _ = try ServerOptions.resolve(
                configPath: file.path, listen: nil, databaseURL: nil,
                environment: ["TEST_READ_TOKEN": "short", "TEST_OPERATE_TOKEN": ServerFixture.operateToken])
            Issue.record("expected a configuration error")
        } catch {
            #expect(error.message.contains("TEST_APPROVE_TOKEN is not set"))
            #expect(error.message.contains("shorter than 16"))
            #expect(!error.message.contains("short\""))
            #expect(!error.message.contains(ServerFixture.operateToken))
        }
    }
}

@Suite("The configuration's server section")
struct ServerSectionTests {
    @Test("bad roles, missing tokens, duplicate names and unknown keys are reported with their paths")
    func problems() throws {
        let text = """
            {"agents": [], "server": {"listen": "127.0.0.1:9000", "colour": 1, "tokens": [
              {"name": "a", "token": {"fromEnv": "A"}, "role": "admin"},
              {"name": "b", "role": "read"},
              {"name": "c", "token": "literal-token-0123456789", "role": "read"},
              {"name": "c", "token": "literal-token-0123456789", "role": "operate"}
            ]}}
            """
        do {
            _ = try RunnerConfiguration.parse(text, file: URL(fileURLWithPath: "/tmp/agentctl.json"))
            Issue.record("expected problems")
        } catch {
            let paths = error.problems.map(\.path)
            #expect(paths.contains("server.colour"))
            #expect(paths.contains("server.tokens[0].role"))
            #expect(paths.contains { $0.hasPrefix("server.tokens[1]") })
            #expect(paths.contains("server.tokens[3].name"))
        }
        let good = try RunnerConfiguration.parse(
            #"{"agents": [], "server": {"listen": "0.0.0.0:9000", "tokens": [{"name": "c", "token": "literal-token-0123456789", "role": "approve"}]}}"#,
            file: URL(fileURLWithPath: "/tmp/agentctl.json"))
        #expect(good.server?.listen == "0.0.0.0:9000")
        #expect(good.server?.tokens.map(\.role) == [.approve])
    }
}

@Suite("Store choice")
struct StoreFactoryTests {
    @Test("--database-url: an unreachable server is named (host and database), its password never")
    func unreachableDatabase() async throws {
        do {
            let store = try await StoreFactory.open(
                configuration: RunnerConfigurationFixture.minimal(),
                databaseURL: "postgres://runner:s3cret-word@127.0.0.1:1/agents?sslmode=disable")
            Issue.record("an unreachable database was opened: \(store)")
        } catch {
            #expect(error.message.contains("127.0.0.1"), "\(error.message)")
            #expect(error.message.contains("agents"), "\(error.message)")
            #expect(!error.message.contains("s3cret-word"), "the password leaked: \(error.message)")
        }
    }

    @Test(
        "--database-url: the runner and the API share a PostgreSQL store",
        .enabled(
            // Under .ci/with-postgres (AGENT_RUNNER_REQUIRE_POSTGRES=1) the test runs and fails without a server.
            if: ProcessInfo.processInfo.environment["DATABASE_URL"] != nil
                || ProcessInfo.processInfo.environment["AGENT_RUNNER_REQUIRE_POSTGRES"] == "1",
            "DATABASE_URL is not set (run under .ci/with-postgres)"))
    func postgreSQL() async throws {
        let url = try #require(ProcessInfo.processInfo.environment["DATABASE_URL"])
        let store = try await StoreFactory.open(configuration: RunnerConfigurationFixture.minimal(), databaseURL: url)
        #expect(store is PostgresAgentStore)
        _ = try await store.queryRuns(RunQuery(limit: 1))
        (store as? PostgresAgentStore)?.close()
    }
}

/// A configuration without a file, for option checks.
enum RunnerConfigurationFixture {
    static func minimal() -> RunnerConfiguration {
        RunnerConfiguration.withoutFile(
            environment: [:], currentDirectory: FileManager.default.temporaryDirectory)
    }
}
