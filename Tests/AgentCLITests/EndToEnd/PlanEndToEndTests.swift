import AgentCore
import Foundation
import ProcessTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Plans and approvals through the built `agentctl`: several `serve` processes on one JSON-file store, plan runs
/// started and inspected from other processes, approvals decided from another process while `serve` runs.
@Suite(.serialized)
struct PlanEndToEndTests {
    typealias Event = [String: JSONValue]

    /// The nightly plan of seed 001 over three shell agents; `seo` is the first task's command.
    private static func home(seo: String, schedule: String = #""manual""#, approval: Bool = false) throws -> TestHome {
        let pattern = approval ? #", "awaitApprovalOn": "https://github\\.com/\\S+/pull/[0-9]+""# : ""
        return try TestHome(
            config: """
                {"store": "state", "shutdownGracePeriod": "1s",
                 "agents": [
                   {"name": "seo-validate", "command": ["sh", "-c", "\(seo)"], "retry": {"maxRetries": 0}\(pattern)},
                   {"name": "code-review", "command": ["sh", "-c", "echo code.review >> tasks.txt"]},
                   {"name": "dx-integrate", "command": ["sh", "-c", "echo dx.integrate >> tasks.txt"]}
                 ],
                 "plans": [
                   {"name": "nightly", "schedule": \(schedule),
                    "tasks": [
                      {"id": "seo.validate", "agent": "seo-validate"},
                      {"id": "code.review", "agent": "code-review", "dependsOn": ["seo.validate"]},
                      {"id": "dx.integrate", "agent": "dx-integrate", "dependsOn": ["code.review"]}
                    ]}
                 ]}
                """)
    }

    @Test func validateListsEachPlanWithItsTasksInRunnableOrder() async throws {
        let home = try Self.home(seo: "true", schedule: #""0 2 * * *""#)
        defer { home.remove() }
        let text = try await home.run(["validate"])
        #expect(text.status == 0, "\(text.err)")
        #expect(text.out.contains("PLAN"), "\(text.out)")
        #expect(text.out.contains("seo.validate, code.review, dx.integrate"), "\(text.out)")
        let json = try await home.run(["validate", "--json"])
        let plans = try #require(try JSONValue.parse(json.out)["plans"]?.elements)
        #expect(plans.first?["name"]?.stringValue == "nightly")
        #expect(
            plans.first?["tasks"]?.elements?.compactMap(\.stringValue) == [
                "seo.validate", "code.review", "dx.integrate",
            ])
        #expect(plans.first?["nextFireAt"] != nil)
    }

    @Test func fourServesFiringTheSameNightlyPlanMakeOnePlanRunAndRunEachTaskOnce() async throws {
        // The plan fires every second on all four serves; every fire of the day is the same plan run.
        let home = try Self.home(seo: "echo seo.validate >> tasks.txt", schedule: #"{"every": "1s"}"#)
        defer { home.remove() }
        var serves: [TestProcess] = []
        defer { for serve in serves { serve.kill() } }
        for _ in 0..<4 { serves.append(try home.start(["serve", "--json"])) }
        for serve in serves {
            try await serve.waitUntil(
                "serve to start", timeout: .seconds(60), ServeEndToEndTests.printed("serveStarted"))
        }
        var runs: [JSONValue] = []
        try await Self.poll("the nightly plan run to succeed", home, ["plans", "--json"]) { result in
            runs = (try? JSONValue.parse(result.out)).flatMap { $0["runs"]?.elements } ?? []
            return runs.first?["status"]?.stringValue == "succeeded"
        }
        let listed = try await home.run(["plans", "--json"])
        let all = (try? JSONValue.parse(listed.out)).flatMap { $0["runs"]?.elements } ?? []
        #expect(all.count == 1, "plan runs: \(listed.out)")
        let tasks = try String(contentsOf: home.directory.appendingPathComponent("tasks.txt"), encoding: .utf8)
        #expect(tasks == "seo.validate\ncode.review\ndx.integrate\n")
        for agent in ["seo-validate", "code-review", "dx-integrate"] {
            let listedRuns = try await home.run(["runs", "--agent", agent, "--json"])
            #expect(listedRuns.out.split(separator: "\n").count == 1, "\(agent): \(listedRuns.out)")
        }
        for serve in serves { serve.send(SIGTERM) }
        for serve in serves { _ = try await serve.waitForExit(timeout: .seconds(30)) }
    }

    @Test func aPlanWhoseFirstTaskFailsShowsTheRestSkippedWithReasons() async throws {
        let home = try Self.home(seo: "echo the sitemap is invalid >&2; exit 3")
        defer { home.remove() }
        let serve = try home.start(["serve", "--json"])
        defer { serve.kill() }
        try await serve.waitUntil("serve to start", timeout: .seconds(60), ServeEndToEndTests.printed("serveStarted"))
        let started = try await home.run(["plan", "run", "nightly", "--date", "2025-01-15"])
        #expect(started.status == 0, "\(started.err)")
        try await Self.poll("the plan run to fail", home, ["plan", "show", "nightly-2025-01-15", "--json"]) {
            (try? JSONValue.parse($0.out))?["status"]?.stringValue == "failed"
        }
        let shown = try await home.run(["plan", "show", "nightly-2025-01-15"])
        #expect(shown.status == 0)
        let lines = shown.out.split(separator: "\n").map(String.init)
        #expect(
            lines.first == "Plan run nightly-2025-01-15 (plan nightly, business date 2025-01-15): failed, attempt 1")
        #expect(lines.contains { $0.hasPrefix("seo.validate") && $0.contains(" failed ") })
        #expect(lines.contains { $0.hasPrefix("code.review") && $0.contains("skipped  upstream seo.validate failed") })
        #expect(lines.contains { $0.hasPrefix("dx.integrate") && $0.contains("skipped  upstream code.review skipped") })
        let again = try await home.run(["plan", "run", "nightly", "--date", "2025-01-15"])
        #expect(again.out.contains("already exists"))
        let rerunRunning = try await home.run(["plan", "rerun", "unknown-2025-01-15"])
        #expect(rerunRunning.status == 2)
    }

    @Test func approveAndRejectFromASecondProcessTakeEffectWithinASecond() async throws {
        let home = try Self.home(seo: "echo opened https://github.com/user/repo/pull/123", approval: true)
        defer { home.remove() }
        let serve = try home.start(["serve", "--json"])
        defer { serve.kill() }
        try await serve.waitUntil("serve to start", timeout: .seconds(60), ServeEndToEndTests.printed("serveStarted"))

        for (date, verdict) in [("2025-01-15", "approve"), ("2025-01-16", "reject")] {
            let started = try await home.run(["plan", "run", "nightly", "--date", date])
            #expect(started.status == 0, "\(started.err)")
            var pending: JSONValue?
            try await Self.poll("a pending approval for \(date)", home, ["approvals", "--state", "pending", "--json"]) {
                pending = $0.out.split(separator: "\n").compactMap { try? JSONValue.parse(String($0)) }.first
                return pending != nil
            }
            let runID = try #require(pending?["runID"]?.stringValue)
            #expect(pending?["outputsURI"]?.stringValue == "https://github.com/user/repo/pull/123")
            #expect(pending?["planRunID"]?.stringValue == "nightly-\(date)")
            try await serve.waitUntil(
                "the approvalRequested event", timeout: .seconds(30),
                { ServeEndToEndTests.events($0).contains { Self.matches($0, "approvalRequested", runID: runID) } })
            let requested = try #require(
                ServeEndToEndTests.events(serve).first { Self.matches($0, "approvalRequested", runID: runID) })
            #expect(
                requested["message"]?.stringValue
                    == "Task seo.validate awaiting approval: https://github.com/user/repo/pull/123")

            let decided = try await home.run([verdict, runID, "--as", "alice", "--comment", "checked"])
            let exited = ContinuousClock.now
            #expect(decided.status == 0, "\(decided.err)")
            try await serve.waitUntil(
                "serve to apply the decision", timeout: .seconds(30),
                { ServeEndToEndTests.events($0).contains { Self.matches($0, "approvalDecided", runID: runID) } })
            let latency = ContinuousClock.now - exited
            print("\(verdict) latency: serve printed approvalDecided \(latency) after `agentctl \(verdict)` exited")
            #expect(latency < .seconds(1))
            let expected = verdict == "approve" ? "succeeded" : "failed"
            try await Self.poll("the plan run to be \(expected)", home, ["plan", "show", "nightly-\(date)", "--json"]) {
                (try? JSONValue.parse($0.out))?["status"]?.stringValue == expected
            }
            let repeated = try await home.run([verdict, runID, "--as", "alice"])
            #expect(repeated.status == 0 && repeated.out.contains("already"))
            let other = try await home.run([verdict == "approve" ? "reject" : "approve", runID, "--as", "bob"])
            #expect(other.status == 1, "a conflicting decision was not refused: \(other.out)")
        }
        let tasks = try? String(contentsOf: home.directory.appendingPathComponent("tasks.txt"), encoding: .utf8)
        #expect(tasks == "code.review\ndx.integrate\n", "only the approved plan run went on")
    }

    // MARK: Support

    static func matches(_ event: Event, _ kind: String, runID: String) -> Bool {
        event["event"]?.stringValue == kind && event["runID"]?.stringValue == runID
    }

    /// Runs an `agentctl` command every 50 ms until its result satisfies `condition` (at most `timeout`).
    static func poll(
        _ what: String, _ home: TestHome, _ arguments: [String], timeout: Duration = .seconds(60),
        _ condition: (TestProcess.Result) -> Bool
    ) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var last: TestProcess.Result?
        while clock.now < deadline {
            let result = try await home.run(arguments)
            if condition(result) { return }
            last = result
            try await clock.sleep(for: .milliseconds(50))
        }
        throw TestProcess.Failure(
            "timed out after \(timeout) waiting for \(what); last output: \(last?.out ?? "") \(last?.err ?? "")")
    }
}

extension JSONValue {
    /// The elements of an array value.
    fileprivate var elements: [JSONValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }
}
