import AgentCore
import Foundation
import PostgresAgentStore
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Plans and approvals through the built `agent-runner-pg` on a real PostgreSQL server: a plan run started and an
/// approval decided from other processes while `serve` runs, and approvals judged by the database's clock.
@Suite(TestDatabase.available, .serialized) struct WorkflowCommandTests {
    @Test func planRunAndApprovalFromOtherProcessesWhileServeRuns() async throws {
        try await TestDatabase.withSchema("plans_cli") { url, schema in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pg-plans-\(schema)")
            try? FileManager.default.removeItem(at: directory)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let pattern = #"https://github\\.com/\\S+/pull/[0-9]+"#
            try """
            {"shutdownGracePeriod": "1s", "logs": "\(directory.appendingPathComponent("logs").path)",
             "agents": [
               {"name": "open-pr", "command": ["sh", "-c", "echo opened https://github.com/user/repo/pull/7"],
                "retry": false, "awaitApprovalOn": "\(pattern)"},
               {"name": "merge", "command": ["sh", "-c", "echo merged >> merged.txt"], "retry": false}
             ],
             "plans": [
               {"name": "nightly", "schedule": "manual",
                "tasks": [
                  {"id": "open", "agent": "open-pr"},
                  {"id": "merge", "agent": "merge", "dependsOn": ["open"]}
                ]}
             ]}
            """.write(to: directory.appendingPathComponent("agentctl.json"), atomically: true, encoding: .utf8)
            let common = ["--config", "agentctl.json", "--database-url", url, "--schema", schema]
            var count = 0
            func command(_ arguments: [String]) async throws -> (status: Int32?, out: String) {
                count += 1
                let process = try RunnerProcess("command-\(count)", arguments: arguments + common, in: directory)
                let status = await process.waitForExit(seconds: 60)
                if status == nil { await process.kill9() }
                return (status, process.printed)
            }
            func poll(_ what: String, _ arguments: [String], until done: (String) -> Bool) async throws {
                let deadline = ContinuousClock.now + .seconds(60)
                while ContinuousClock.now < deadline {
                    if done(try await command(arguments).out) { return }
                    try await Task.sleep(for: .milliseconds(100))
                }
                Issue.record("\(what) did not happen within 60 s")
                throw RunnerProcessError(message: "timed out waiting for \(what)")
            }

            let serve = try RunnerProcess("serve", arguments: ["serve", "--json"] + common, in: directory)
            defer { if serve.isRunning { serve.signal(SIGKILL) } }
            let started = try await command(["plan", "run", "nightly", "--date", "2025-01-15"])
            #expect(started.status == 0, "plan run: \(started.out)")
            var runID: String?
            try await poll("a pending approval", ["approvals", "--state", "pending", "--json"]) { out in
                runID = Self.objects(out).first?["runID"] as? String
                return runID != nil
            }
            let run = try #require(runID)
            let pending = try await command(["approvals", "--state", "pending", "--json"])
            let request = try #require(Self.objects(pending.out).first)
            #expect(request["outputsURI"] as? String == "https://github.com/user/repo/pull/7")
            #expect(request["planRunID"] as? String == "nightly-2025-01-15")

            let approved = try await command(["approve", run, "--as", "alice", "--comment", "checked"])
            #expect(approved.status == 0, "approve: \(approved.out)")
            try await poll("the plan run to succeed", ["plan", "show", "nightly-2025-01-15", "--json"]) { out in
                Self.objects(out).first?["status"] as? String == "succeeded"
            }
            let merged = try? String(contentsOf: directory.appendingPathComponent("merged.txt"), encoding: .utf8)
            #expect(merged == "merged\n", "the task after the approval did not run once")
            let repeated = try await command(["approve", run, "--as", "alice"])
            #expect(repeated.status == 0 && repeated.out.contains("already"), "repeated approve: \(repeated.out)")
            let conflicting = try await command(["reject", run, "--as", "bob"])
            #expect(conflicting.status == 1, "a rejection after the approval was not refused: \(conflicting.out)")
            let again = try await command(["plan", "run", "nightly", "--date", "2025-01-15"])
            #expect(again.out.contains("already exists"), "a second plan run: \(again.out)")
            let listed = try await command(["plans", "--json"])
            let runs = Self.objects(listed.out).first?["runs"] as? [Any]
            #expect(runs?.count == 1, "plans: \(listed.out)")
            serve.signal(SIGTERM)
            #expect(await serve.waitForExit(seconds: 30) != nil, "serve did not stop: \(serve.printed)")
        }
    }

    @Test func approvalDeadlinesAreJudgedByTheDatabaseClock() async throws {
        try await TestDatabase.withSchema("approval_clock") { url, schema in
            // No injected clock: every "now" is the database's.
            let store = try await PostgresAgentStore.open(url: url, options: .init(schema: schema))
            defer { store.close() }
            let ids = RunIDGenerator()
            let queuedAt = Date(timeIntervalSince1970: 1_767_225_600)
            func waiting(_ key: String) throws -> RunRecord {
                let request = AgentRunRequest(agent: "open-pr", idempotencyKey: try IdempotencyKey(key))
                return RunRecord(
                    id: ids.next(at: queuedAt), request: request, status: .awaitingApproval, queuedAt: queuedAt)
            }
            let record = try waiting("fire-1")
            try await store.insertRun(record)
            let due = try await store.requestApproval(
                ApprovalRequest(record: record, requestedBy: "runner"), timeout: .zero)
            #expect(due.created && due.request.deadline == due.request.requestedAt)
            let late = try await store.decideApproval(runID: record.id, verdict: .approve, by: "alice", comment: nil)
            #expect(late.outcome == .expired && late.request.state == .expired, "\(late.outcome)")
            #expect((late.request.decision?.decidedAt ?? .distantPast) >= due.request.deadline)

            let open = try waiting("fire-2")
            try await store.insertRun(open)
            let request = try await store.requestApproval(
                ApprovalRequest(record: open, requestedBy: "runner"), timeout: .seconds(3600))
            #expect(
                try await store.expireApprovals().isEmpty, "the sweep expired a request an hour before its deadline")
            let decided = try await store.decideApproval(runID: open.id, verdict: .reject, by: "bob", comment: "no")
            #expect(decided.outcome == .decided && decided.request.state == .rejected)
            let decidedAt = try #require(decided.request.decision?.decidedAt)
            #expect(decidedAt >= request.request.requestedAt && decidedAt < request.request.deadline)
        }
    }

    /// The JSON objects of a command's output: one document, or one per line.
    static func objects(_ text: String) -> [[String: Any]] {
        if let whole = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] { return [whole] }
        return text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }
}
