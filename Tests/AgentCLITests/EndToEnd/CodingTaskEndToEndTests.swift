import AgentCore
import AgentScheduling
import Foundation
import HTTPTestSupport
import ProcessTestSupport
import Testing

/// Coding tasks run with fake coding tools (shell scripts named like the real CLIs on a private `PATH`) by the
/// built `agentctl`: log layout and transcript, token usage, commit detection, preset failure patterns and
/// their hints, exit statuses, `logs --follow`, health and notifications.
@Suite(.serialized)
struct CodingTaskEndToEndTests {
    /// A claude that prints on both streams in a known order, commits when `COMMIT` is set, and reports usage
    /// as the real one does with `--output-format json`.
    static let claude = """
        if [ -n "$FAIL" ]; then echo "Error: Model not found: claude-old" >&2; exit 1; fi
        echo "step 1: $*"
        wait_for "step 1"
        echo "step 2" >&2
        wait_for "step 2"
        if [ -n "$COMMIT" ]; then
            git -c user.name=Bot -c user.email=bot@example.com commit -q --allow-empty -m "Document the API"
        fi
        echo '{"type":"result","result":"done","total_cost_usd":0.0123,"usage":{"input_tokens":1200,"output_tokens":340}}'
        """

    func record(_ result: TestProcess.Result) throws -> RunRecord {
        try JSONDecoder().decode(RunRecord.self, from: Data(result.out.utf8))
    }

    @Test func aTaskRunLandsInTaskToolRunWithAnOrderedTranscriptAndTokenCounters() async throws {
        let workspace = try await CodingWorkspace()
        defer { workspace.remove() }
        try workspace.tool("claude", Self.claude)
        try workspace.configure(
            #""tasks": {"hello": {"prompt": "prompts/hello.md", "parameters": {"who": "world"}}}"#)
        let result = try await workspace.run(["run", "--task", "hello", "--agent", "claude", "--json"])
        #expect(result.status == 0, "\(result.err)")
        let record = try record(result)
        #expect(record.agentName == "hello.claude")
        #expect(record.status == .succeeded)
        #expect(record.counters["inputTokens"] == 1200)
        #expect(record.counters["outputTokens"] == 340)
        #expect(record.counters["totalTokens"] == 1540)
        #expect(record.counters["costMicroUSD"] == 12_300)

        let run = workspace.logs.appendingPathComponent("hello/claude/\(record.id)", isDirectory: true)
        let files = try FileManager.default.contentsOfDirectory(atPath: run.path).sorted()
        #expect(files == ["metadata.json", "prompt.md", "stderr.log", "stdout.log", "summary.txt", "transcript.log"])
        let transcript = try String(contentsOf: run.appendingPathComponent("transcript.log"), encoding: .utf8)
        let expectedFirst =
            "[stdout] step 1: -p --output-format json --dangerously-skip-permissions --model sonnet Say hello to world."
        #expect(
            transcript.split(separator: "\n").map(String.init) == [
                expectedFirst, "[stderr] step 2",
                #"[stdout] {"type":"result","result":"done","total_cost_usd":0.0123,"usage":{"input_tokens":1200,"output_tokens":340}}"#,
            ])
        let metadata = try JSONDecoder().decode(
            RunLogMetadata.self, from: Data(contentsOf: run.appendingPathComponent("metadata.json")))
        #expect(metadata.recordIsFinal)
        #expect(metadata.record.counters["totalTokens"] == 1540)
        #expect(metadata.record.duration != nil)

        let logs = try await workspace.run(["logs", record.id.rawValue, "--transcript"])
        #expect(logs.out == transcript)
        let show = try await workspace.run(["show", record.id.rawValue])
        #expect(show.out.contains("inputTokens=1200"), "\(show.out)")
    }

    @Test func toolsShowWhereEachExecutableIsFoundAndTasksAreListed() async throws {
        let workspace = try await CodingWorkspace()
        defer { workspace.remove() }
        try workspace.tool("claude", "exit 0")
        try workspace.configure(
            #"""
            "tasks": {"hello": {"prompt": "prompts/hello.md", "description": "Say hello"}},
            "tools": {"claude": {"model": "opus"}, "mine": {"executable": "my-assistant-\#(UUID().uuidString)"}}
            """#)
        let tools = try await workspace.run(["tools"], environment: ["QWEN_MODEL": "qwen-next"])
        #expect(tools.status == 0, "\(tools.err)")
        let rows = tools.lines.map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        let claude = try #require(rows.first { $0.first == "claude" })
        #expect(claude.contains(workspace.bin.appendingPathComponent("claude").path))
        #expect(claude.contains("opus"))
        let mine = try #require(tools.lines.first { $0.hasPrefix("mine ") })
        #expect(mine.contains("not found on PATH") && mine.hasSuffix("configured"))
        #expect(tools.lines.contains { $0.hasPrefix("qwen ") && $0.contains("qwen-next [QWEN_MODEL]") })
        #expect(rows.map { $0.first ?? "" }.filter { $0 != "TOOL" }.count == 8)

        let tasks = try await workspace.run(["tasks"])
        #expect(
            tasks.lines.contains {
                $0.hasPrefix("hello ") && $0.contains("prompts/hello.md") && $0.hasSuffix("Say hello")
            })
        #expect(try await workspace.run(["tasks", "--names"]).out == "hello\n")
    }

    @Test func aTaskThatMustCommitAndDidNotIsNoOpWithTheMessage() async throws {
        let workspace = try await CodingWorkspace()
        defer { workspace.remove() }
        try workspace.tool("claude", Self.claude)
        try workspace.configure(
            #"""
            "tasks": {
              "docs": {"prompt": "prompts/hello.md", "parameters": {"who": "docs"}, "requiresCommit": true,
                       "workingDirectory": "repo"},
              "strict": {"prompt": "prompts/hello.md", "parameters": {"who": "docs"}, "requiresCommit": true,
                         "noCommit": "failed", "workingDirectory": "repo"}
            }
            """#)
        let quiet = try await workspace.run(["run", "--task", "docs", "--agent", "claude", "--json"])
        #expect(quiet.status == 0, "\(quiet.err)")
        let noOp = try record(quiet)
        #expect(noOp.status == .noOp)
        #expect(noOp.summary?.hasPrefix("No git commits detected in \(workspace.repository.path)") == true)
        #expect(noOp.counters["commits"] == 0)

        let strict = try await workspace.run(["run", "--task", "strict", "--agent", "claude", "--json"])
        #expect(strict.status == 1)
        let failed = try record(strict)
        #expect(failed.status == .failed && failed.errorClass == .permanent)
        #expect(failed.errorMessage?.contains("No git commits detected") == true)
    }

    @Test func aTaskThatCommittedListsTheCommit() async throws {
        let workspace = try await CodingWorkspace()
        defer { workspace.remove() }
        try workspace.tool("claude", Self.claude)
        try workspace.configure(
            #"""
            "tasks": {"docs": {"prompt": "prompts/hello.md", "parameters": {"who": "docs"}, "requiresCommit": true,
                               "workingDirectory": "repo"}}
            """#)
        let result = try await workspace.run(
            ["run", "--task", "docs", "--agent", "claude", "--json"], environment: ["COMMIT": "1"])
        #expect(result.status == 0, "\(result.err)")
        let record = try record(result)
        #expect(record.status == .succeeded)
        let head = try await workspace.shell("git rev-parse HEAD", in: workspace.repository)
        let hash = head.out.trimmingCharacters(in: .whitespacesAndNewlines)
        let commit = try #require(record.artifacts.first { $0.uri == "git:\(hash)" })
        #expect(commit.name == "commit \(hash.prefix(12)) Document the API")
        #expect(record.counters["commits"] == 1)
        #expect(record.summary?.contains("1 commit(s): \(hash.prefix(7)) Document the API") == true)
    }

    @Test func aWorkingDirectoryThatIsNotARepositoryIsAConfigurationError() async throws {
        let workspace = try await CodingWorkspace()
        defer { workspace.remove() }
        try workspace.configure(
            #""tasks": {"docs": {"prompt": "prompts/hello.md", "requiresCommit": true, "workingDirectory": "bin"}}"#)
        let result = try await workspace.run(["validate"])
        #expect(result.status == 2)
        #expect(result.err.contains("tasks.docs.requiresCommit"), "\(result.err)")
        #expect(result.err.contains("is not a git repository"))
    }

    @Test func everyCodingConfigurationProblemIsReportedWithItsPath() async throws {
        let workspace = try await CodingWorkspace()
        defer { workspace.remove() }
        try workspace.configure(
            #"""
            "tasks": {
              "hello": {"prompt": "prompts/hello.md", "noCommit": "failed"},
              "gone": {"prompt": "prompts/missing.md"},
              "bad name": {"prompt": "prompts/hello.md"}
            },
            "tools": {
              "mine": {"arguments": ["-p"]},
              "claude": {"prompt": {"via": "carrier pigeon"}, "usage": {"patterns": ["tokens: (\\d+)"]}}
            },
            "taskSchedules": [
              {"task": "hello", "tool": "nope", "schedule": "0 2 * * *"},
              {"task": "hello", "tool": "kilo", "command": ["x"], "schedule": "0 2 * * *"}
            ]
            """#)
        let result = try await workspace.run(["validate"])
        #expect(result.status == 2)
        let expected = [
            "tasks.hello.noCommit: only a task with \"requiresCommit\": true has it",
            "tasks.gone.prompt: the prompt file \(workspace.directory.path)/prompts/missing.md does not exist",
            "tasks[\"bad name\"]: \"bad name\" is not a valid task name",
            "tools.mine: missing \"executable\"",
            "tools.claude.prompt.via: \"carrier pigeon\" is not one of \"argument\", \"stdin\", \"file\"",
            "tools.claude.usage: \"tokens: (\\d+)\" has no named group",
            "taskSchedules[0].tool: no tool is named \"nope\"",
            "taskSchedules[1].command: a task schedule is named <task>.<tool> and runs its tool; remove \"command\"",
        ]
        for problem in expected {
            #expect(result.err.contains(problem), "missing \"\(problem)\" in:\n\(result.err)")
        }
    }

    /// Each preset's "model not found" and "usage limit" patterns classify the run and carry their hint.
    @Test(arguments: ["codex", "claude", "gemini", "kilo", "ollama", "opencode", "qwen"])
    func eachPresetPatternClassifiesAndShowsItsHint(tool: String) async throws {
        let workspace = try await CodingWorkspace()
        defer { workspace.remove() }
        try workspace.tool(tool, #"echo "$FAKE_OUTPUT" >&2; exit "$FAKE_STATUS""#)
        try workspace.configure(#""tasks": {"hello": {"prompt": "prompts/hello.md", "parameters": {"who": "x"}}}"#)
        let model = ["OLLAMA_MODEL": "qwen2.5-coder"]

        let missing = try await workspace.run(
            ["run", "--task", "hello", "--agent", tool, "--json"],
            environment: model.merging(["FAKE_OUTPUT": "Error: Model not found: old-model", "FAKE_STATUS": "1"]) {
                $1
            })
        #expect(missing.status == 1, "\(missing.err)")
        let permanent = try record(missing)
        #expect(permanent.errorClass == .permanent)
        #expect(permanent.errorMessage?.hasSuffix("; hint: \(CodingToolPresets.modelNotFoundHint)") == true)

        let limited = try await workspace.run(
            ["run", "--task", "hello", "--agent", tool, "--json"],
            environment: model.merging(["FAKE_OUTPUT": "You have hit your usage limit.", "FAKE_STATUS": "0"]) { $1 })
        #expect(limited.status == 10, "a usage limit exits 10 even when the tool exits 0: \(limited.err)")
        let rateLimited = try record(limited)
        #expect(rateLimited.errorClass == .rateLimited)
        #expect(rateLimited.errorMessage?.contains("hint: \(CodingToolPresets.usageLimitHint)") == true)

        let runs = try await workspace.run(["runs"])
        #expect(runs.out.contains("hint: \(CodingToolPresets.usageLimitHint)"), "\(runs.out)")
        let show = try await workspace.run(["show", permanent.id.rawValue])
        #expect(show.out.contains("hint: \(CodingToolPresets.modelNotFoundHint)"))
        let summary = try String(
            contentsOf: workspace.logs.appendingPathComponent("hello/\(tool)/\(permanent.id)/summary.txt"),
            encoding: .utf8)
        #expect(
            summary.split(separator: "\n").contains {
                $0.hasPrefix("hint ") && $0.hasSuffix(" \(CodingToolPresets.modelNotFoundHint)")
            },
            "\(summary)")
    }

    @Test func aHungToolTimesOutWithExitElevenAndItsProcessTreeIsGone() async throws {
        let workspace = try await CodingWorkspace()
        defer { workspace.remove() }
        try workspace.tool(
            "gemini", #"sleep 300 & echo $! > "$AGENTCTL_LOG_DIR/../grandchild.pid"; echo thinking; wait"#)
        try workspace.configure(
            #""tasks": {"hang": {"prompt": "prompts/hello.md", "parameters": {"who": "x"}, "timeout": "1s"}}"#)
        let result = try await workspace.run(["run", "--task", "hang", "--agent", "gemini", "--json"])
        #expect(result.status == 11, "\(result.err)")
        let record = try record(result)
        #expect(record.status == .timedOut)
        #expect(record.errorMessage?.hasPrefix("timed out after 1.00 s") == true, "\(record.errorMessage ?? "")")
        #expect(record.errorMessage?.hasSuffix("; hint: \(CodingTaskBinding.timeoutHint)") == true)
        let text = try String(
            contentsOf: workspace.logs.appendingPathComponent("hang/gemini/grandchild.pid"), encoding: .utf8)
        let pid = try #require(Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)))
        try await Poll.until("the tool's child \(pid) to be gone", timeout: .seconds(10)) { ProcessState.isGone(pid) }
    }

    @Test func logsFollowPrintsASlowToolsLinesWhileItRunsAndReturnsWhenItEnds() async throws {
        let workspace = try await CodingWorkspace()
        defer { workspace.remove() }
        let gate = workspace.directory.appendingPathComponent("go").path
        try workspace.tool(
            "kilo",
            """
            echo "first line"
            i=0
            until [ -e "\(gate)" ]; do i=$((i + 1)); [ "$i" -gt 3000 ] && exit 99; sleep 0.01; done
            echo "second line" >&2
            """)
        try workspace.configure(#""tasks": {"slow": {"prompt": "prompts/hello.md", "parameters": {"who": "x"}}}"#)
        let run = try workspace.start(["run", "--task", "slow", "--agent", "kilo"])
        defer { run.kill() }
        let directory = workspace.logs.appendingPathComponent("slow/kilo", isDirectory: true)
        try await Poll.until("the run to print its first line", timeout: .seconds(30)) {
            let runs = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            return runs.contains { id in
                let transcript = directory.appendingPathComponent("\(id)/transcript.log")
                return (try? String(contentsOf: transcript, encoding: .utf8))?.contains("first line") == true
            }
        }
        let follower = try workspace.start(["logs", "latest", "--follow"])
        defer { follower.kill() }
        try await follower.waitForLine("the first line while the run is still going", timeout: .seconds(30)) {
            $0 == "[stdout] first line"
        }
        #expect(!run.hasExited, "the run waits for the gate, so the line was streamed while it ran")
        _ = FileManager.default.createFile(atPath: gate, contents: nil)
        let followed = try await follower.waitForExit(timeout: .seconds(30))
        #expect(followed.status == 0)
        #expect(followed.lines == ["[stdout] first line", "[stderr] second line"])
        #expect(try await run.waitForExit(timeout: .seconds(30)).status == 0)
    }

    @Test func healthSumsTokensPerAgentAndEveryRunIsNotifiedWithTokensHintAndLogs() async throws {
        let server = try TestHTTPServer(lifetime: 300)
        defer { server.stop() }
        let workspace = try await CodingWorkspace()
        defer { workspace.remove() }
        try workspace.tool("claude", Self.claude)
        try workspace.configure(
            """
            "tasks": {"hello": {"prompt": "prompts/hello.md", "parameters": {"who": "x"}}},
            "taskSchedules": [{"task": "hello", "tool": "claude", "schedule": "0 3 * * *"}],
            "notifications": [{"format": "ntfy", "url": "\(server.url("/agents"))", "on": ["everyRun"]}]
            """)
        for _ in 0..<2 {
            #expect(try await workspace.run(["run", "--task", "hello", "--agent", "claude"]).status == 0)
        }
        let health = try await workspace.run(["health", "--json"])
        let agents = try #require(try JSONValue.parse(health.out).objectValue?["agents"])
        guard case .array(let list) = agents, let agent = list.first?.objectValue else {
            Issue.record("no agents in \(health.out)")
            return
        }
        #expect(agent["name"] == "hello.claude")
        let tokens = try #require(agent["tokens"]?.objectValue)
        #expect(tokens["inputTokens"] == 2400 && tokens["totalTokens"] == 3080 && tokens["costMicroUSD"] == 24_600)

        #expect(server.requests.count == 2)
        let request = try #require(server.requests.first)
        #expect(request.headers["tags"] == "white_check_mark")
        #expect(request.headers["title"] == "hello.claude succeeded")
        #expect(request.text.contains("tokens: 1200 in · 340 out · 1540 total · $0.0123"), "\(request.text)")
        #expect(request.text.contains("logs: file://\(workspace.logs.path)/hello/claude/"))

        let failed = try await workspace.run(
            ["run", "--task", "hello", "--agent", "claude"], environment: ["FAIL": "1"])
        #expect(failed.status == 1)
        #expect(server.requests.count == 3)
        let failure = try #require(server.requests.last)
        #expect(failure.headers["tags"] == "x")
        #expect(failure.headers["title"] == "hello.claude failed")
        #expect(failure.text.contains("hint: \(CodingToolPresets.modelNotFoundHint)"), "\(failure.text)")
        #expect(failure.text.contains("Model not found: claude-old"))
    }
}
