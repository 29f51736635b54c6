import AgentCore
import Foundation
import HTTPTestSupport
import ProcessTestSupport
import Testing

/// Webhooks configured in `agentctl.json`, posted by the built binary to a local HTTP server.
struct WebhookEndToEndTests {
    @Test func aFailedRunIsPostedAndNotifiedAtIsStored() async throws {
        let server = try TestHTTPServer(lifetime: 300)
        defer { server.stop() }
        let token = "hook-token-\(UUID().uuidString)"
        let home = try TestHome(
            agents: [
                #"{"name": "fails", "command": ["sh", "-c", "echo broken >&2; exit 1"], "retry": false}"#,
                #"{"name": "works", "command": ["true"]}"#,
            ],
            settings: """
                "notifications": [{"format": "json", "url": "\(server.url("/hooks/agents"))", "on": ["failure"],
                  "headers": {"Authorization": {"value": "Bearer \(token)", "secret": true}}}]
                """)
        defer { home.remove() }
        #expect(try await home.run(["run", "works"]).status == 0)
        #expect(server.requests.isEmpty, "a success is not a failure")

        let result = try await home.run(["run", "fails", "--json"])
        #expect(result.status == 1, "\(result.err)")
        let record = try JSONDecoder().decode(RunRecord.self, from: Data(result.out.utf8))
        #expect(record.notifiedAt != nil, "the printed record carries notifiedAt")
        let request = try #require(server.requests.first)
        #expect(server.requests.count == 1)
        #expect(request.method == "POST" && request.path == "/hooks/agents")
        #expect(request.headers["authorization"] == "Bearer \(token)")
        let body = try #require(try JSONValue.parse(String(decoding: request.body, as: UTF8.self)).objectValue)
        #expect(body["agent"] == "fails")
        #expect(body["status"] == "failed")
        #expect(body["runID"]?.stringValue == record.id.rawValue)

        let stored = try await home.run(["show", record.id.rawValue, "--json"])
        #expect(try JSONDecoder().decode(RunRecord.self, from: Data(stored.out.utf8)).notifiedAt == record.notifiedAt)
        for file in home.files() {
            #expect(file.data.range(of: Data(token.utf8)) == nil, "the header's secret is in \(file.path)")
        }
    }
}
