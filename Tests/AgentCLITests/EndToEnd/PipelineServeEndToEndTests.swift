import AgentCore
import Foundation
import HTTPTestSupport
import ProcessTestSupport
import TestDeadlines
import Testing

/// `agentctl serve` drives the candidates that other `agentctl` processes submit and retry, and posts one webhook
/// when a candidate is paused; on the built binary with a local HTTP server.
struct PipelineServeEndToEndTests {
    private static let candidate = "momentum-v7"

    /// Waits (bounded) until `candidate show --json` prints a candidate that satisfies `condition`.
    private func waitForCandidate(
        _ home: TestHome, _ what: String, _ condition: @escaping @Sendable ([String: JSONValue]) -> Bool
    ) async throws {
        try await within(what, seconds: 60) {
            while true {
                let shown = try await home.run(["candidate", "show", Self.candidate, "--json"])
                if let line = shown.out.split(separator: "\n").first,
                    let object = try? JSONValue.parse(String(line)).objectValue, condition(object)
                {
                    return
                }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    private static func isReady(withFailures count: Int64) -> @Sendable ([String: JSONValue]) -> Bool {
        { object in
            object["state"]?.objectValue?["ready"] != nil && object["failures"] == .array([.integer(count)])
        }
    }

    @Test func twoServesAndTwoSubmissionsAtOnceRunTheStageOnceAndPromoteOnce() async throws {
        // The stage appends a line per run; two serves drive the pipeline and two processes submit at once.
        let home = try TestHome(
            config: """
                {"store": "state", "shutdownGracePeriod": "1s",
                 "agents": [{"name": "researcher", "command": ["sh", "-c", "echo run >> stage-runs.txt"]}],
                 "pipelines": [{"name": "quant", "stages": [{"name": "research", "agent": "researcher"}]}]}
                """)
        defer { home.remove() }
        let serves = try [home.start(["serve", "--json"]), home.start(["serve", "--json"])]
        defer { for serve in serves { serve.kill() } }
        for serve in serves {
            try await serve.waitUntil("serve to start", ServeEndToEndTests.printed("serveStarted"))
        }
        async let first = home.run(["candidate", "submit", Self.candidate, "--pipeline", "quant"])
        async let second = home.run(["candidate", "submit", Self.candidate, "--pipeline", "quant"])
        let submits = try await [first, second]
        #expect(submits.allSatisfy { $0.status == 0 }, "\(submits.map(\.err))")
        try await waitForCandidate(home, "the candidate to complete") { object in
            object["state"]?.objectValue?["completed"] != nil
        }
        let runs = try String(
            contentsOf: home.directory.appendingPathComponent("stage-runs.txt"), encoding: .utf8)
        #expect(runs == "run\n", "the stage ran \(runs.split(separator: "\n").count) times")
        let shown = try await home.run(["candidate", "show", Self.candidate, "--json"])
        let promotions = shown.out.split(separator: "\n").dropFirst()
        #expect(promotions.count == 1, "expected the candidate and one promotion: \(shown.out)")
    }

    @Test func threeFinalFailuresOnOneStagePauseTheCandidateAndPostOneWebhook() async throws {
        let server = try TestHTTPServer(lifetime: 300)
        defer { server.stop() }
        let home = try TestHome(
            config: """
                {"store": "state", "shutdownGracePeriod": "1s",
                 "notifications": [{"format": "json", "url": "\(server.url("/hooks/pipelines"))", "on": ["autoPause"]}],
                 "agents": [
                   {"name": "researcher", "command": ["sh", "-c", "echo no data >&2; exit 1"], "retry": false}
                 ],
                 "pipelines": [
                   {"name": "quant", "stages": [
                     {"name": "research", "agent": "researcher", "requiredArtifacts": ["spec"], "pauseAfterFailures": 3}
                   ]}
                 ]}
                """)
        defer { home.remove() }
        let serve = try home.start(["serve", "--json"])
        defer { serve.kill() }
        try await serve.waitUntil("serve to start", ServeEndToEndTests.printed("serveStarted"))

        let submitted = try await home.run(["candidate", "submit", Self.candidate, "--pipeline", "quant"])
        #expect(submitted.status == 0, "\(submitted.err)")
        for failures in 1...2 {
            try await waitForCandidate(home, "failure \(failures) counted", Self.isReady(withFailures: Int64(failures)))
            let unnamed = try await home.run(["candidate", "retry", Self.candidate])
            #expect(unnamed.status == 2 && unnamed.err.contains("--as NAME"))
            let retried = try await home.run(["candidate", "retry", Self.candidate, "--as", "ana", "--json"])
            #expect(retried.status == 0, "\(retried.err)")
            #expect(retried.out.contains("\"retryRequestedBy\":\"ana\""))
        }
        try await waitForCandidate(home, "the pause") { object in
            object["state"]?.objectValue?["paused"] != nil && object["failures"] == .array([.integer(3)])
        }
        try await serve.waitUntil("serve to publish the pause", ServeEndToEndTests.printed("candidatePaused"))
        // The shutdown drains pending webhook deliveries: every notification is in before the count.
        serve.send(SIGTERM)
        let stopped = try await serve.waitForExit(timeout: .seconds(20))
        #expect(stopped.status == 0, "\(stopped.err)")

        #expect(server.requests.count == 1, "\(server.requests.map { String(decoding: $0.body, as: UTF8.self) })")
        let request = try #require(server.requests.first)
        let body = try #require(try JSONValue.parse(String(decoding: request.body, as: UTF8.self)).objectValue)
        #expect(body["notification"] == "candidatePause")
        #expect(body["agent"] == "researcher")
        #expect(body["reason"]?.stringValue?.contains("candidate \(Self.candidate)") == true)
        let runs = try await home.run(["runs", "--agent", "researcher", "--json", "--limit", "100"])
        #expect(runs.out.components(separatedBy: "\"status\":\"failed\"").count - 1 == 3)
        let health = try await home.run(["health", "--json"])
        guard case .array(let stages)? = try JSONValue.parse(health.out)["pipelines"] else {
            Issue.record("health --json has no pipeline figures: \(health.out)")
            return
        }
        let research = try #require(stages.first?.objectValue)
        #expect(research["pipeline"] == "quant" && research["stage"] == "research")
        #expect(research["runs"] == 3 && research["queueDepth"] == 0)
        let classes = research["failureClasses"]?.objectValue ?? [:]
        let counted = classes.values.reduce(Int64(0)) { sum, value in
            if case .integer(let count) = value { sum + count } else { sum }
        }
        #expect(counted == 3, "\(classes)")
    }
}
