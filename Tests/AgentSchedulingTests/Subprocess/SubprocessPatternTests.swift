import AgentCore
import AgentScheduling
import AgentStorage
import Foundation
import Testing

struct SubprocessPatternTests {
    @Test func aRateLimitPatternClassifiesTheRun() async throws {
        let harness = try SubprocessHarness()
        let agent = try harness.agent(
            harness.configuration(
                "echo 'Error: Usage limit reached for today' >&2; exit 1",
                patterns: [
                    FailurePattern("usage limit", class: .rateLimited),
                    FailurePattern("error", class: .transient),
                ]))
        let (result, _, runID) = await harness.runDirectly(agent)
        let value = try result.get()
        guard case .failed(let failureClass, let message) = value.outcome else {
            Issue.record("expected a failure, got \(value.outcome)")
            return
        }
        #expect(failureClass == .rateLimited)
        #expect(message.contains("exit status 1"))
        #expect(message.contains("Usage limit reached for today"))
        let report = try agent.logDirectory(for: runID).readMetadata().process
        #expect(report?.matchedPattern?.failureClass == .rateLimited)
        #expect(report?.matchedPattern?.stream == "stderr")
    }

    @Test func aCapturedRetryAfterIsReturnedForTheScheduler() async throws {
        let harness = try SubprocessHarness()
        let agent = try harness.agent(
            harness.configuration(
                "echo 'rate limited, try again in 5 minutes'; exit 2",
                patterns: [FailurePattern(#"try again in (?<retryAfter>\d+ \w+)"#, class: .rateLimited)]))
        let value = try await harness.runDirectly(agent).result.get()
        guard case .failed(.rateLimited, let message) = value.outcome else {
            Issue.record("expected a rate limit, got \(value.outcome)")
            return
        }
        #expect(message.contains("try again in 5 minutes"))
        #expect(value.retryAfter == .seconds(300))
        #expect(value.artifacts.map(\.name).contains(RunLogDirectory.stdoutFileName))
    }

    @Test func theOrchestratorRecordsTheRateLimitAndHandsOnItsRetryAfter() async throws {
        let harness = try SubprocessHarness()
        let agent = try harness.agent(
            harness.configuration(
                "echo 'Usage limit reached, retry after 90 s' >&2; exit 1",
                patterns: [
                    FailurePattern(#"usage limit.*retry after (?<retryAfter>\d+ ?s)"#, class: .rateLimited)
                ]))
        let orchestration = SubprocessOrchestration()
        let execution = try await orchestration.orchestrator.execute(AgentRunRequest(agent: agent.name), agent: agent)
        #expect(execution.record.status == .failed)
        #expect(execution.record.errorClass == .rateLimited)
        #expect(execution.record.errorMessage?.contains("Usage limit reached") == true)
        #expect(execution.retryAfter == .seconds(90))
        // Returned rather than thrown, the rate limit keeps what the run gathered.
        #expect(execution.record.counters["exitStatus"] == 1)
        #expect(!execution.record.artifacts.isEmpty)
    }

    @Test func theFirstConfiguredPatternWinsOverAnEarlierLine() async throws {
        let harness = try SubprocessHarness()
        let agent = try harness.agent(
            harness.configuration(
                "echo 'connection reset'; echo 'model not found: gpt-9'; exit 1",
                patterns: [
                    FailurePattern("model not found", class: .permanent),
                    FailurePattern("connection reset", class: .transient),
                ]))
        let value = try await harness.runDirectly(agent).result.get()
        guard case .failed(.permanent, let message) = value.outcome else {
            Issue.record("expected a permanent failure, got \(value.outcome)")
            return
        }
        #expect(message.contains("model not found: gpt-9"))
    }

    @Test func patternsIgnoreSuccessfulCommandsUnlessTheyApplyOnSuccess() async throws {
        let harness = try SubprocessHarness()
        let quiet = try harness.agent(
            harness.configuration(
                "echo 'usage limit reached'", patterns: [FailurePattern("usage limit", class: .rateLimited)]))
        #expect(try await harness.runDirectly(quiet).result.get().outcome == .succeeded)
        let strict = try harness.agent(
            harness.configuration(
                "echo 'usage limit reached'",
                patterns: [FailurePattern("usage limit", class: .rateLimited, appliesOnSuccess: true)]))
        let value = try await harness.runDirectly(strict).result.get()
        guard case .failed(.rateLimited, let message) = value.outcome else {
            Issue.record("expected a rate limit, got \(value.outcome)")
            return
        }
        #expect(message.contains("exit status 0"))
    }

    @Test func aPatternLimitedToStdoutIgnoresStderr() async throws {
        let harness = try SubprocessHarness()
        let agent = try harness.agent(
            harness.configuration(
                "echo 'quota exceeded' >&2; exit 1",
                patterns: [FailurePattern("quota", class: .rateLimited, stream: .stdout)]))
        let value = try await harness.runDirectly(agent).result.get()
        guard case .failed(let failureClass, _) = value.outcome else {
            Issue.record("expected a failure, got \(value.outcome)")
            return
        }
        #expect(failureClass == .transient)
    }

    @Test func anInvalidPatternIsRejectedWhenTheAgentIsCreated() throws {
        let harness = try SubprocessHarness()
        #expect {
            _ = try harness.agent(
                harness.configuration("true", patterns: [FailurePattern("(unclosed", class: .permanent)]))
        } throws: { error in
            (error as? SubprocessError)?.code == .invalidPattern
        }
        #expect {
            _ = try harness.agent(harness.configuration("true", patterns: [FailurePattern("x", class: .timeout)]))
        } throws: { error in
            (error as? SubprocessError)?.code == .invalidPattern
        }
    }

    @Test func patternsDecodeFromJSONAndRejectUnknownKeys() throws {
        let json = #"[{"pattern": "usage limit", "class": "rateLimited", "stream": "stderr", "retryAfterSeconds": 60}]"#
        let patterns = try JSONDecoder().decode([FailurePattern].self, from: Data(json.utf8))
        #expect(
            patterns == [FailurePattern("usage limit", class: .rateLimited, stream: .stderr, retryAfter: .seconds(60))])
        let encoded = try JSONEncoder().encode(patterns)
        #expect(try JSONDecoder().decode([FailurePattern].self, from: encoded) == patterns)

        let typo = #"[{"pattern": "x", "class": "permanent", "stram": "stderr"}]"#
        #expect {
            _ = try JSONDecoder().decode([FailurePattern].self, from: Data(typo.utf8))
        } throws: { error in
            guard case DecodingError.dataCorrupted(let context) = error else { return false }
            return context.codingPath.map(\.stringValue).last == "stram"
                && context.debugDescription.contains("unknown key")
        }
    }

    @Test(arguments: [
        ("30", 30.0), ("30s", 30), ("1.5 m", 90), ("2 minutes", 120), ("1h", 3600), ("250 ms", 0.25),
    ])
    func retryAfterTextIsParsed(text: String, seconds: Double) async throws {
        let harness = try SubprocessHarness()
        let agent = try harness.agent(
            harness.configuration(
                "echo 'slow down: retry in \(text)'; exit 1",
                patterns: [FailurePattern(#"retry in (?<retryAfter>[\d.]+ ?\w*)"#, class: .rateLimited)]))
        let value = try await harness.runDirectly(agent).result.get()
        guard case .failed(.rateLimited, _) = value.outcome else {
            Issue.record("expected a rate limit, got \(value.outcome)")
            return
        }
        #expect(value.retryAfter == .interval(seconds))
    }
}
