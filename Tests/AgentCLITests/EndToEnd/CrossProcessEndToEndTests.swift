import AgentCore
import Foundation
import HTTPTestSupport
import ProcessTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Several `agentctl` processes on one JSON-file store (design invariants 6 and 7): a pause written by a third
/// process reaches both runners within a second and is never undone, `agentctl cancel` stops a run that `serve`
/// executes, and a runner killed mid-run leaves a run that another runner records `abandoned` and notifies once.
///
/// The agents' commands run in the home (serve's working directory), so their marker and pid files land there.
@Suite(.serialized)
struct CrossProcessEndToEndTests {
    /// One parsed line of `serve --json`.
    typealias Event = [String: JSONValue]

    // MARK: Invariant 6: pause and resume

    @Test func aPauseFromAThirdProcessReachesBothRunnersWithinASecondAndIsNeverUndone() async throws {
        let home = try TestHome(
            agents: [
                #"{"name": "ticker", "command": ["sh", "-c", "echo tick"], "schedule": {"every": "1s"}}"#,
                // Keeps firing while ticker is paused, so the wait below is on events, not on the clock.
                #"{"name": "witness", "command": ["sh", "-c", "echo witness"], "schedule": {"every": "1s"}}"#,
            ], settings: #""shutdownGracePeriod": "1s""#)
        defer { home.remove() }
        let first = try home.start(["serve", "--json"])
        defer { first.kill() }
        let second = try home.start(["serve", "--json"])
        defer { second.kill() }
        let serves = [("first", first), ("second", second)]
        for (name, serve) in serves {
            try await serve.waitUntil("the \(name) serve to start", timeout: .seconds(60), Self.printed("serveStarted"))
        }
        try await Poll.until("a run of ticker", timeout: .seconds(60)) {
            serves.contains { Self.printed("runSucceeded", agent: "ticker")($0.1) }
        }

        // The pause, from a third process; both serves are watched while it runs, so a line printed before the
        // command exits counts as latency zero.
        let reason = "maintenance \(UUID().uuidString.prefix(8))"
        let pause = try home.start(["pause", "ticker", "--reason", reason])
        defer { pause.kill() }
        async let firstApplied = Self.whenPrinted(first, "the first serve to apply the pause", "agentPaused", "ticker")
        async let secondApplied = Self.whenPrinted(
            second, "the second serve to apply the pause", "agentPaused", "ticker")
        let paused = try await pause.waitForExit(timeout: .seconds(60))
        let pauseExited = ContinuousClock.now
        let pauseExitedDate = Date()
        #expect(paused.status == 0, "\(paused.err)")
        let applied = try await [firstApplied, secondApplied]
        var appliedAt: [Date] = []
        for ((name, serve), seen) in zip(serves, applied) {
            let event = try #require(Self.events(serve).first { Self.matches($0, "agentPaused", agent: "ticker") })
            #expect(event["origin"]?.stringValue == "store", "the \(name) serve learnt of the pause from the store")
            let stamped = try #require(Self.time(of: event))
            appliedAt.append(stamped)
            let latency = max(.zero, seen - pauseExited)
            let stampedLatency = max(0, stamped.timeIntervalSince(pauseExitedDate))
            print(
                "pause latency, \(name) serve: printed \(latency) after `agentctl pause` exited "
                    + "(its event's ts: \(Int(stampedLatency * 1000)) ms after)")
            #expect(latency < .seconds(1), "the \(name) serve printed agentPaused \(latency) after pause exited")
        }
        let pauseEffective = try #require(appliedAt.max())

        // About five seconds pass: five fires of witness after both applied the pause, while both keep running.
        try await Poll.until("five runs of witness after the pause", timeout: .seconds(60)) {
            Set(
                serves.flatMap { Self.events($0.1) }.filter {
                    Self.matches($0, "runStarted", agent: "witness", after: pauseEffective)
                }.compactMap { $0["runID"]?.stringValue }
            ).count >= 5
        }
        for (name, serve) in serves {
            #expect(!serve.hasEnded, "the \(name) serve is still running")
        }
        let schedules = try await home.run(["schedules", "--json"])
        #expect(schedules.status == 0, "\(schedules.err)")
        let ticker = try #require(
            JSONValue.parse(schedules.out).arrayElements?.first { $0["name"]?.stringValue == "ticker" })
        #expect(ticker["paused"] == .bool(true), "the stored pause was undone: \(schedules.out)")
        #expect(ticker["pausedReason"]?.stringValue == reason)
        // A pause stops every fire that has not been dispatched: no ticker run may belong to a fire due after both
        // serves applied it. (A fire dispatched just before may still be recorded and started after the pause, and
        // its events may follow agentPaused in the output, so neither the event order nor queuedAt decides.)
        let tickerRuns = try await Self.runs(home, agent: "ticker")
        let queuedLate = tickerRuns.filter { run in
            guard case .scheduled(let fire) = run.trigger else { return run.queuedAt > pauseEffective }
            return fire > pauseEffective
        }
        #expect(queuedLate.isEmpty, "ticker runs of fires due after the pause took effect: \(queuedLate.map(\.id))")
        let witnessRuns = try await Self.runs(home, agent: "witness")
        print(
            "while paused: \(witnessRuns.filter { $0.queuedAt > pauseEffective }.count) witness runs, "
                + "\(queuedLate.count) ticker runs; \(tickerRuns.count - queuedLate.count) ticker runs before the pause"
        )

        // The resume, from another process: ticker runs again.
        let resumed = try await home.run(["resume", "ticker"])
        #expect(resumed.status == 0, "\(resumed.err)")
        for (name, serve) in serves {
            try await serve.waitUntil(
                "the \(name) serve to apply the resume", timeout: .seconds(30),
                Self.printed("agentResumed", agent: "ticker"))
        }
        try await Poll.until("a run of ticker after the resume", timeout: .seconds(60)) {
            serves.contains { serve in
                Self.events(serve.1).contains {
                    Self.matches($0, "runSucceeded", agent: "ticker", after: pauseEffective)
                }
            }
        }
        let afterResume = try await home.run(["schedules", "--json"])
        let resumedTicker = try #require(
            JSONValue.parse(afterResume.out).arrayElements?.first { $0["name"]?.stringValue == "ticker" })
        #expect(resumedTicker["paused"] == .bool(false), "\(afterResume.out)")
        for (name, serve) in serves {
            print(
                "the \(name) serve started \(Self.events(serve).filter { Self.matches($0, "runStarted") }.count) runs")
        }

        try await Self.stop(serves)
    }

    // MARK: Cancel from another process

    @Test func cancelFromAnotherProcessStopsARunThatServeExecutes() async throws {
        let home = try TestHome(
            agents: [
                // The first run records its shell's and a background child's pids and sleeps; later runs end at once.
                #"""
                {"name": "sleeper", "schedule": {"every": "2s"}, "overlap": "skip",
                 "command": ["sh", "-c", "if mkdir started 2>/dev/null; then echo $$ > shell.tmp && mv shell.tmp shell.pid; sleep 300 & echo $! > background.tmp && mv background.tmp background.pid; sleep 300; else echo again; fi"]}
                """#
            ], settings: #""shutdownGracePeriod": "1s""#)
        defer { home.remove() }
        defer { Self.killCommands(recordedIn: home) }
        let serve = try home.start(["serve", "--json"])
        defer { serve.kill() }
        try await serve.waitUntil(
            "serve to start sleeper", timeout: .seconds(60), Self.printed("runStarted", agent: "sleeper"))
        let runID = try #require(
            Self.events(serve).first { Self.matches($0, "runStarted", agent: "sleeper") }?["runID"]?.stringValue)
        let shell = try await Self.waitForPID(in: home, "shell.pid")
        let background = try await Self.waitForPID(in: home, "background.pid")
        #expect(try await Self.record(home, runID).status == .running)

        let reason = "stopped by the end-to-end test \(UUID().uuidString.prefix(8))"
        let started = ContinuousClock.now
        let cancel = try await home.run(["cancel", runID, "--reason", reason], timeout: .seconds(60))
        let took = ContinuousClock.now - started
        print("agentctl cancel \(runID) took \(took), exit status \(cancel.status)")
        #expect(cancel.status == 0, "\(cancel.out)\(cancel.err)")

        let record = try await Self.record(home, runID)
        #expect(record.status == .cancelled)
        #expect(record.errorMessage?.contains(reason) == true, "\(record.errorMessage ?? "no error message")")
        try await Poll.until(
            "the run's shell \(shell) and its background child \(background) to be gone", timeout: .seconds(30)
        ) {
            ProcessLiveness.isGone(shell) && ProcessLiveness.isGone(background)
        }
        try await serve.waitUntil("serve to report the cancellation", timeout: .seconds(30)) { process in
            Self.events(process).contains {
                Self.matches($0, "runCancelled", agent: "sleeper") && $0["runID"]?.stringValue == runID
            }
        }
        // serve keeps scheduling: a later fire runs (and ends at once).
        try await serve.waitUntil(
            "serve to run sleeper again after the cancel", timeout: .seconds(60),
            Self.printed("runSucceeded", agent: "sleeper"))
        try await Self.stop([("serve", serve)])
    }

    // MARK: Invariant 7: abandoned runs

    @Test func aRunnerKilledMidRunLeavesAnAbandonedRunNotifiedExactlyOnce() async throws {
        let server = try TestHTTPServer(lifetime: 300)
        defer { server.stop() }
        let home = try TestHome(
            agents: [
                // The first run records its serve's pid and its shell's, then sleeps; later runs end at once.
                #"""
                {"name": "long", "schedule": {"every": "2s"}, "overlap": "skip", "lease": "2s",
                 "command": ["sh", "-c", "if mkdir started 2>/dev/null; then echo $PPID > owner.tmp && mv owner.tmp owner.pid; echo $$ > shell.tmp && mv shell.tmp shell.pid; sleep 300; else echo quick; fi"]}
                """#
            ],
            settings: """
                "shutdownGracePeriod": "1s",
                "notifications": [{"format": "json", "url": "\(server.url("/hooks/abandoned"))"}]
                """)
        defer { home.remove() }
        defer { Self.killCommands(recordedIn: home) }

        // Runner A executes the run; B starts only then, so the fire cannot run in B.
        let runnerA = try home.start(["serve", "--json"])
        defer { runnerA.kill() }
        try await runnerA.waitUntil(
            "A to start the long run", timeout: .seconds(60), Self.printed("runStarted", agent: "long"))
        let runID = try #require(
            Self.events(runnerA).first { Self.matches($0, "runStarted", agent: "long") }?["runID"]?.stringValue)
        let idA = try #require(Self.events(runnerA).first { Self.matches($0, "serveStarted") }?["runner"]?.stringValue)
        #expect(try await Self.waitForPID(in: home, "owner.pid") == runnerA.processIdentifier)
        let shell = try await Self.waitForPID(in: home, "shell.pid")
        let runnerB = try home.start(["serve", "--json"])
        defer { runnerB.kill() }
        try await runnerB.waitUntil("B to start", timeout: .seconds(60), Self.printed("serveStarted"))
        let executing = try await Self.record(home, runID)
        #expect(executing.status == .running && executing.leaseOwner == idA, "\(executing)")

        // A dies with its command, as when its host goes down.
        runnerA.kill()
        let killed = ContinuousClock.now
        _ = kill(-shell, SIGKILL)
        let deadA = try await runnerA.waitForExit(timeout: .seconds(30))
        #expect(deadA.status == 128 + SIGKILL, "runner A was killed by SIGKILL")

        try await runnerB.waitUntil("B to announce the abandoned run", timeout: .seconds(30)) { process in
            Self.events(process).contains { Self.matches($0, "runAbandoned") && $0["runID"]?.stringValue == runID }
        }
        let announced = ContinuousClock.now - killed
        let abandoned = try await Self.record(home, runID)
        #expect(abandoned.status == .abandoned)
        try await Poll.until("the webhook about \(runID)", timeout: .seconds(30)) {
            !Self.requests(server, about: runID).isEmpty
        }
        let posted = ContinuousClock.now - killed
        print("SIGKILL of runner A → B printed runAbandoned after \(announced), the webhook arrived after \(posted)")

        // A third runner starts after the abandonment; B and C then handle a few fires (about six seconds).
        let runnerC = try home.start(["serve", "--json"])
        defer { runnerC.kill() }
        try await runnerC.waitUntil("C to start", timeout: .seconds(60), Self.printed("serveStarted"))
        let cStarted = Date()
        try await Poll.until("three runs of long after C started", timeout: .seconds(60)) {
            Set(
                [runnerB, runnerC].flatMap { Self.events($0) }.filter {
                    Self.matches($0, "runSucceeded", agent: "long", after: cStarted)
                }.compactMap { $0["runID"]?.stringValue }
            ).count >= 3
        }
        let requests = Self.requests(server, about: runID)
        #expect(requests.count == 1, "webhook requests about \(runID): \(requests.map(\.text))")
        let request = try #require(requests.first)
        let body = try #require(try JSONValue.parse(request.text).objectValue)
        #expect(body["status"]?.stringValue == "abandoned")
        #expect(body["agent"]?.stringValue == "long")
        for (name, runner, expected) in [("B", runnerB, 1), ("C", runnerC, 0)] {
            let count = Self.events(runner).filter {
                Self.matches($0, "runAbandoned") && $0["runID"]?.stringValue == runID
            }.count
            #expect(count == expected, "runner \(name) printed runAbandoned for \(runID) \(count) times")
        }
        let stored = try await Self.record(home, runID)
        #expect(stored.status == .abandoned && stored.notifiedAt != nil, "\(stored)")
        let kinds = server.requests.map { (try? JSONValue.parse($0.text))?["event"]?.stringValue ?? "?" }
        print("webhook requests in all: \(kinds); about the abandoned run: \(requests.count)")
        // No fire from before the store existed is reported overdue.
        #expect(!kinds.contains("fireOverdue"), "fireOverdue webhooks on a fresh store: \(kinds)")

        try await Self.stop([("B", runnerB), ("C", runnerC)])
    }

    // MARK: Helpers

    /// The JSON lines a serve printed so far, parsed.
    static func events(_ process: TestProcess) -> [Event] { ServeEndToEndTests.events(process) }

    /// Whether an event of `kind` about `agent` was printed.
    static func printed(_ kind: String, agent: String? = nil) -> @Sendable (TestProcess) -> Bool {
        ServeEndToEndTests.printed(kind, agent: agent)
    }

    /// Whether `event` is of `kind`, about `agent` when given, and stamped after `date` when given.
    static func matches(_ event: Event, _ kind: String, agent: String? = nil, after date: Date? = nil) -> Bool {
        guard event["event"]?.stringValue == kind else { return false }
        if let agent, event["agent"]?.stringValue != agent { return false }
        if let date { return time(of: event).map { $0 > date } ?? false }
        return true
    }

    /// The event's `ts`.
    static func time(of event: Event) -> Date? { event["ts"]?.stringValue.flatMap { Timestamp.parse($0) } }

    /// Waits until `process` has printed an event of `kind` about `agent`, and returns when the test saw it.
    static func whenPrinted(
        _ process: TestProcess, _ what: String, _ kind: String, _ agent: String
    ) async throws -> ContinuousClock.Instant {
        try await process.waitUntil(what, timeout: .seconds(60), printed(kind, agent: agent))
        return .now
    }

    /// Sends SIGTERM to every serve, then expects each to exit 0.
    static func stop(_ serves: [(String, TestProcess)]) async throws {
        for (_, serve) in serves { serve.send(SIGTERM) }
        for (name, serve) in serves {
            let result = try await serve.waitForExit(timeout: .seconds(30))
            #expect(result.status == 0, "the \(name) serve: \(result.err)")
            #expect(result.lines.last.map { $0.contains("serveStopped") } == true, "the \(name) serve's last line")
        }
    }

    /// One record, through `agentctl show --json`.
    static func record(_ home: TestHome, _ runID: String) async throws -> RunRecord {
        let shown = try await home.run(["show", runID, "--json"])
        #expect(shown.status == 0, "\(shown.err)")
        return try JSONDecoder().decode(RunRecord.self, from: Data(shown.out.utf8))
    }

    /// Every record of an agent, through `agentctl runs --json`.
    static func runs(_ home: TestHome, agent: String) async throws -> [RunRecord] {
        let listed = try await home.run(["runs", "--json", "--agent", agent, "--limit", "10000"])
        #expect(listed.status == 0, "\(listed.err)")
        return try JSONDecoder().decode(ServeEndToEndTests.RunsPage.self, from: Data(listed.out.utf8)).runs
    }

    /// The webhook requests whose body names `runID`.
    static func requests(_ server: TestHTTPServer, about runID: String) -> [TestHTTPServer.Request] {
        server.requests.filter { $0.text.contains(runID) }
    }

    /// The pid an agent's command wrote to `name` in the home, if it has.
    static func pid(in home: TestHome, _ name: String) -> pid_t? {
        let file = home.directory.appendingPathComponent(name)
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return nil }
        return pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Waits for an agent's command to write a pid to `name` (a loaded machine can take seconds to start a shell).
    static func waitForPID(in home: TestHome, _ name: String) async throws -> pid_t {
        try await Poll.until("a pid in \(name)", timeout: .seconds(60)) { pid(in: home, name) != nil }
        return try #require(pid(in: home, name))
    }

    /// Kills what the agents' commands left behind (their process groups and background children), so that no
    /// `sleep 300` outlives a failed test.
    static func killCommands(recordedIn home: TestHome) {
        if let shell = pid(in: home, "shell.pid"), !ProcessLiveness.isGone(shell) { _ = kill(-shell, SIGKILL) }
        if let background = pid(in: home, "background.pid"), !ProcessLiveness.isGone(background) {
            _ = kill(background, SIGKILL)
        }
    }
}

extension JSONValue {
    /// The elements when the value is an array.
    fileprivate var arrayElements: [JSONValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }
}
