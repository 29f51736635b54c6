import AgentCore
import Foundation
import ProcessTestSupport
import Testing

/// `agentctl serve` on the built binary: real schedules, SIGTERM, and other commands on the same store meanwhile.
@Suite(.serialized)
struct ServeEndToEndTests {
    /// The JSON lines `serve --json` printed so far, parsed.
    static func events(_ process: TestProcess) -> [[String: JSONValue]] {
        process.lines.compactMap { try? JSONValue.parse($0).objectValue }
    }

    /// Whether an event of `kind` about `agent` was printed.
    static func printed(_ kind: String, agent: String? = nil) -> @Sendable (TestProcess) -> Bool {
        { process in
            events(process).contains {
                $0["event"]?.stringValue == kind && (agent == nil || $0["agent"]?.stringValue == agent)
            }
        }
    }

    @Test func servesTwoSchedulesAndShutsDownCleanlyOnSIGTERM() async throws {
        let home = try TestHome(
            agents: [
                #"{"name": "every-second", "command": ["sh", "-c", "echo tick"], "schedule": {"every": "1s"}}"#,
                #"""
                {"name": "every-two", "command": ["sh", "-c", "echo tock; sleep 30"], "schedule": {"every": "2s"},
                 "overlap": "skip"}
                """#,
            ], settings: #""shutdownGracePeriod": "1s""#)
        defer { home.remove() }
        let serve = try home.start(["serve", "--json"])
        defer { serve.kill() }
        try await serve.waitUntil("both agents to start runs") { process in
            Self.printed("runSucceeded", agent: "every-second")(process)
                && Self.printed("runStarted", agent: "every-two")(process)
        }
        serve.send(SIGTERM)
        let result = try await serve.waitForExit(timeout: .seconds(20))
        #expect(result.status == 0, "\(result.err)")
        let events = result.lines.map { try? JSONValue.parse($0).objectValue }
        #expect(!events.contains { $0 == nil }, "every line of serve --json is a JSON object")
        let kinds = events.compactMap { $0?["event"]?.stringValue }
        #expect(kinds.first == "serveStarted")
        #expect(kinds.last == "serveStopped")
        #expect(kinds.contains("signalReceived"))
        #expect(
            events.contains {
                $0?["event"]?.stringValue == "schedulerStateChanged"
                    && $0?["message"]?.stringValue == "scheduler is stopped"
            })
        // The long run was cancelled by the shutdown, its process group stopped, and every run has a terminal record.
        let runs = try await home.run(["runs", "--json", "--limit", "1000"])
        let page = try JSONDecoder().decode(RunsPage.self, from: Data(runs.out.utf8))
        #expect(page.runs.allSatisfy { $0.status.isTerminal })
        #expect(page.runs.contains { $0.agentName == "every-two" && $0.status == .cancelled })
        #expect(page.runs.contains { $0.agentName == "every-second" && $0.status == .succeeded })
    }

    @Test func manualRunsPausesAndResumesWorkWhileServeRuns() async throws {
        let home = try TestHome(
            agents: [
                #"{"name": "ticker", "command": ["sh", "-c", "echo tick"], "schedule": {"every": "1s"}}"#,
                #"{"name": "adhoc", "command": ["sh", "-c", "echo manual $AGENTCTL_TRIGGER"]}"#,
            ], settings: #""shutdownGracePeriod": "1s""#)
        defer { home.remove() }
        let serve = try home.start(["serve", "--json"])
        defer { serve.kill() }
        try await serve.waitUntil("the first scheduled run", Self.printed("runSucceeded", agent: "ticker"))

        let manual = try await home.run(["run", "adhoc", "--json"])
        #expect(manual.status == 0, "\(manual.err)")
        let record = try JSONDecoder().decode(RunRecord.self, from: Data(manual.out.utf8))
        #expect(record.trigger == .manual)
        #expect(try await home.run(["logs", record.id.rawValue]).out == "manual manual\n")

        let paused = try await home.run(["pause", "ticker", "--reason", "maintenance window"])
        #expect(paused.status == 0, "\(paused.err)")
        #expect(paused.out.contains("The live runner applies it within a second"))
        try await serve.waitUntil("serve to apply the pause", Self.printed("agentPaused", agent: "ticker"))
        let schedules = try await home.run(["schedules", "--json"])
        #expect(schedules.out.contains("\"pausedReason\":\"maintenance window\""))
        let health = try await home.run(["health"])
        #expect(health.status == 1, "a paused agent needs attention")

        let resumed = try await home.run(["resume", "ticker"])
        #expect(resumed.status == 0)
        try await serve.waitUntil("serve to apply the resume", Self.printed("agentResumed", agent: "ticker"))

        serve.send(SIGTERM)
        let result = try await serve.waitForExit(timeout: .seconds(20))
        #expect(result.status == 0, "\(result.err)")
    }

    /// The shape of `runs --json`.
    struct RunsPage: Decodable {
        var runs: [RunRecord]
        var nextCursor: String?
    }
}
