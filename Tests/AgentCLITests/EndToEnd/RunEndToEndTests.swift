import AgentCore
import Foundation
import ProcessTestSupport
import Testing

/// `agentctl run` on the built binary with real subprocesses: exit statuses, records, logs, timeouts, secrets.
@Suite(.serialized)
struct RunEndToEndTests {
    /// The record `run --json` printed.
    func record(_ result: TestProcess.Result) throws -> RunRecord {
        try JSONDecoder().decode(RunRecord.self, from: Data(result.out.utf8))
    }

    @Test func aSucceedingCommandExitsZeroAndItsOutputIsLogged() async throws {
        let home = try TestHome(agents: [
            #"{"name": "hello", "command": ["sh", "-c", "echo hello $AGENTCTL_PARAM_WHO; echo warn >&2"]}"#
        ])
        defer { home.remove() }
        let result = try await home.run(["run", "hello", "--param", "who=world", "--json"])
        #expect(result.status == 0, "\(result.err)")
        let record = try record(result)
        #expect(record.status == .succeeded)
        #expect(record.parameters == ["who": "world"])
        #expect(record.counters["exitStatus"] == 0)
        let logs = try await home.run(["logs", record.id.rawValue])
        #expect(logs.status == 0)
        #expect(logs.out == "hello world\n")
        #expect(try await home.run(["logs", record.id.rawValue, "--stderr"]).out == "warn\n")
        let metadata = home.directory.appendingPathComponent("state/logs/hello/\(record.id)/metadata.json")
        let stored = try JSONDecoder().decode(RunRecord.self, from: Data(contentsOf: metadata))
        #expect(stored == record, "metadata.json holds the terminal record")
    }

    @Test func aFailingCommandExitsOneWithTheReason() async throws {
        let home = try TestHome(agents: [#"{"name": "broken", "command": ["sh", "-c", "echo no disk >&2; exit 3"]}"#])
        defer { home.remove() }
        let result = try await home.run(["run", "broken"])
        #expect(result.status == 1)
        #expect(result.out.contains("status           failed"))
        #expect(result.out.contains("[transient] exit status 3; last output: [stderr] no disk"))
    }

    @Test func aRateLimitPatternExitsTen() async throws {
        let home = try TestHome(agents: [
            #"""
            {"name": "assistant", "command": ["sh", "-c", "echo 'Error: usage limit reached'; exit 1"],
             "failurePatterns": [{"pattern": "usage limit", "class": "rateLimited"}]}
            """#
        ])
        defer { home.remove() }
        let result = try await home.run(["run", "assistant", "--json"])
        #expect(result.status == 10, "\(result.err)")
        let record = try record(result)
        #expect(record.status == .failed)
        #expect(record.errorClass == .rateLimited)
    }

    @Test func aTimeoutStopsTheWholeProcessTreeAndExitsEleven() async throws {
        let home = try TestHome(agents: [
            #"""
            {"name": "stuck", "command": ["sh", "-c", "sleep 300 & echo $! > grandchild.pid; wait"],
             "workingDirectory": ".", "timeout": "1s", "terminationGracePeriod": "1s"}
            """#
        ])
        defer { home.remove() }
        let result = try await home.run(["run", "stuck", "--json"])
        #expect(result.status == 11, "\(result.err)")
        #expect(try record(result).status == .timedOut)
        let text = try String(contentsOf: home.directory.appendingPathComponent("grandchild.pid"), encoding: .utf8)
        let pid = try #require(Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)))
        // agentctl has sent the group SIGKILL when it exits; the kernel may take a moment to carry it out.
        try await Poll.until("the grandchild \(pid) to be gone (it survived the timeout)", timeout: .seconds(10)) {
            ProcessState.isGone(pid)
        }
    }

    @Test func aSecretAppearsNowhereInTheLogsOrTheStore() async throws {
        let secret = "s3cr3t-\(UUID().uuidString)"
        let home = try TestHome(agents: [
            #"""
            {"name": "leaky", "command": ["sh", "-c", "echo token=$API_TOKEN; echo $API_TOKEN >&2; exit 1"],
             "env": {"API_TOKEN": {"fromEnv": "TEST_AGENT_TOKEN"}}}
            """#
        ])
        defer { home.remove() }
        let result = try await AgentctlBinary.run(
            ["run", "--config", home.config.path, "leaky", "--json"], in: home.directory,
            environment: ["TEST_AGENT_TOKEN": secret])
        #expect(result.status == 1, "\(result.err)")
        #expect(!result.out.contains(secret) && !result.err.contains(secret))
        let files = home.files()
        #expect(files.contains { $0.path.hasSuffix("stdout.log") })
        for file in files {
            #expect(file.data.range(of: Data(secret.utf8)) == nil, "the secret is in \(file.path)")
        }
        let stdout = try #require(files.first { $0.path.hasSuffix("stdout.log") })
        #expect(String(decoding: stdout.data, as: UTF8.self) == "token=[REDACTED]\n")
    }

    @Test func anUnsetSecretVariableIsAConfigurationError() async throws {
        let home = try TestHome(agents: [
            #"{"name": "needs-token", "command": ["true"], "env": {"API_TOKEN": {"fromEnv": "NOT_SET_ANYWHERE_42"}}}"#
        ])
        defer { home.remove() }
        let result = try await home.run(["run", "needs-token"])
        #expect(result.status == 2)
        #expect(
            result.err.contains(
                "agents[0].env.API_TOKEN: the environment variable NOT_SET_ANYWHERE_42 is not set"))
    }

    @Test func aKeyThatAlreadySucceededIsNotRunAgain() async throws {
        let home = try TestHome(agents: [
            #"{"name": "once", "command": ["sh", "-c", "echo ran >> runs.txt"], "workingDirectory": "."}"#
        ])
        defer { home.remove() }
        let first = try await home.run(["run", "once", "--key", "k-1", "--json"])
        let second = try await home.run(["run", "once", "--key", "k-1", "--json"])
        #expect(first.status == 0 && second.status == 0)
        #expect(try record(first).id == record(second).id)
        #expect(second.err.contains("not run again"))
        let third = try await home.run(["run", "once", "--json"])
        #expect(try record(third).id != record(first).id, "without --key every run is new")
        let runs = try String(contentsOf: home.directory.appendingPathComponent("runs.txt"), encoding: .utf8)
        #expect(runs == "ran\nran\n")
    }

    @Test func aKeyInProgressElsewhereIsReportedOrAwaited() async throws {
        let home = try TestHome(agents: [
            #"{"name": "slow", "command": ["sh", "-c", "echo started; sleep 2; echo done"]}"#
        ])
        defer { home.remove() }
        let first = try home.start(["run", "slow", "--key", "nightly", "--follow", "--json"])
        defer { first.kill() }
        try await first.waitUntil("the first run to start") { $0.err.contains("started") }
        let busy = try await home.run(["run", "slow", "--key", "nightly"])
        #expect(busy.status == 1)
        #expect(busy.err.contains("is in progress"))
        let waited = try await home.run(["run", "slow", "--key", "nightly", "--wait", "--json"])
        #expect(waited.status == 0, "\(waited.err)")
        let result = try await first.waitForExit()
        #expect(result.status == 0)
        let original = try record(result)
        #expect(try record(waited).id == original.id, "the waiting run reports the run it waited for")
        #expect(original.status == .succeeded)
    }

    @Test func usageErrorsExitTwo() async throws {
        let home = try TestHome(agents: [#"{"name": "x", "command": ["true"]}"#])
        defer { home.remove() }
        #expect(try await home.run(["run", "nope"]).status == 2)
        #expect(try await home.run(["run", "x", "--param", "novalue"]).status == 2)
        #expect(try await home.run(["run", "x", "--bogus"]).status == 2)
        let unknown = try await home.run(["run", "y"])
        #expect(unknown.err.contains("no agent named \"y\""))
    }
}

/// Whether a process is gone (or a zombie nobody reaped, which runs nothing).
enum ProcessState {
    static func isGone(_ pid: Int32) -> Bool {
        if kill(pid, 0) != 0 { return errno == ESRCH }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
    }
}
