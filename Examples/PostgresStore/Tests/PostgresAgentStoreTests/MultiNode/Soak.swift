import AgentCore
import AgentScheduling
import Foundation
import PostgresAgentStore

#if canImport(Glibc)
    import Glibc
#endif

/// One soak: a configuration, four runner processes, the fire log.
final class Soak {
    let url: String
    let schema: String
    let directory: URL
    let fireLog: URL
    var runners: [RunnerProcess] = []
    var generation = 0
    var exitedDuringOutage: [String] = []
    var recoveredAt: Date?

    init(url: String, schema: String) async throws {
        self.url = url
        self.schema = schema
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("pg-soak-\(schema)")
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        fireLog = directory.appendingPathComponent("fires.log")
        _ = FileManager.default.createFile(atPath: fireLog.path, contents: nil)
        let configuration = """
            {
              "version": 1,
              "logs": "\(directory.appendingPathComponent("logs").path)",
              "maxConcurrentRuns": 4,
              "shutdownGracePeriod": "2s",
              "agents": [
                {
                  "name": "tick",
                  "command": ["sh", "-c", "echo \\"$AGENTCTL_SCHEDULED_AT $AGENTCTL_RUN_ID\\" >> \(fireLog.path); sleep 0.7"],
                  "schedule": {"every": "1s"},
                  "lease": "3s",
                  "retry": false,
                  "misfire": "skip"
                }
              ]
            }
            """
        try configuration.write(
            to: directory.appendingPathComponent("agentctl.json"), atomically: true, encoding: .utf8)
        // Migrate once before the runners race to do it too.
        let store = try await PostgresAgentStore.open(url: url, options: .init(schema: schema))
        store.close()
    }

    private func start(_ index: Int) throws -> RunnerProcess {
        generation += 1
        return try RunnerProcess(
            "runner-\(index)-\(generation)",
            arguments: ["serve", "--config", "agentctl.json", "--database-url", url, "--schema", schema],
            in: directory)
    }

    /// Runs the runners for `seconds`, killing one every 3 s; with `outage`, stops the server 10 s in the middle.
    /// - Returns: The window of nominal fire times that every check looks at.
    func run(seconds: Int, outage: Bool) async throws -> ClosedRange<Date> {
        do {
            return try await soak(seconds: seconds, outage: outage)
        } catch {
            for runner in runners { await runner.kill9() }
            throw error
        }
    }

    private func soak(seconds: Int, outage: Bool) async throws -> ClosedRange<Date> {
        runners = try (0..<4).map(start)
        let begin = Date()
        var round = 0
        let outageAt = seconds / 3
        while Date().timeIntervalSince(begin) < Double(seconds) {
            try await Task.sleep(for: .seconds(3))
            round += 1
            if outage, round == outageAt / 3, let control = ProcessInfo.processInfo.environment["AGENT_RUNNER_PG_CTL"] {
                try await Self.pgctl(control, "stop")
                try await Task.sleep(for: .seconds(10))
                exitedDuringOutage = runners.filter { !$0.isRunning }.map(\.name)
                try await Self.pgctl(control, "start")
                recoveredAt = Date()
                continue
            }
            let victim = round % runners.count
            await runners[victim].kill9()
            runners[victim] = try start(victim)
        }
        let end = Date()
        // Leave one runner to find the killed runners' runs once their leases (3 s) expire.
        for runner in runners.dropFirst() { runner.signal(SIGTERM) }
        for runner in runners.dropFirst() { _ = await runner.waitForExit(seconds: 30) }
        try await waitUntilSettled(deadline: 30)
        runners[0].signal(SIGTERM)
        _ = await runners[0].waitForExit(seconds: 30)
        return begin.addingTimeInterval(3)...end.addingTimeInterval(-3)
    }

    /// Waits until no run of the schema is queued or running and every abandoned run is announced (the remaining
    /// runner abandons the orphans and announces them). Past the deadline it returns, and the checks report what
    /// was left.
    private func waitUntilSettled(deadline seconds: Double) async throws {
        let store = try await PostgresAgentStore.open(url: url, options: .init(schema: schema))
        defer { store.close() }
        let limit = Date().addingTimeInterval(seconds)
        while Date() < limit {
            let open = try await store.queryRuns(RunQuery(statuses: [.queued, .running], limit: 1))
            if open.records.isEmpty, try await everyAbandonedRunIsAnnounced(in: store) { return }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    private func everyAbandonedRunIsAnnounced(in store: PostgresAgentStore) async throws -> Bool {
        var query = RunQuery(statuses: [.abandoned], limit: RunQuery.maximumLimit)
        repeat {
            let page = try await store.queryRuns(query)
            if page.records.contains(where: { $0.notifiedAt == nil }) { return false }
            query.cursor = page.nextCursor
        } while query.cursor != nil
        return true
    }

    private static func pgctl(_ script: String, _ action: String) async throws {
        // Reaped by its pid: pg_ctl leaves the server behind as an orphan, which must not count as pg_ctl running.
        let control = try ChildProcess(executable: URL(fileURLWithPath: script), arguments: [action])
        guard let exit = await control.waitForExit(timeout: .seconds(60)) else {
            control.signal(SIGKILL)
            throw RunnerProcessError(message: "\(script) \(action) did not finish within 60 s")
        }
        guard exit.exitStatus == 0 else {
            throw RunnerProcessError(message: "\(script) \(action) ended with \(exit)")
        }
    }

    /// What the checks found.
    struct Report {
        var expected = 0
        var ran = 0
        var duplicates: [String] = []
        var unfinished: [String] = []
        var unannounced: [String] = []
        var abandoned = 0
        var exitedDuringOutage: [String] = []
        var missingAfterRecovery: [Date] = []
        var coverage: Double { expected == 0 ? 0 : Double(ran) / Double(expected) }
    }

    func verify(window: ClosedRange<Date>) async throws -> Report {
        var report = Report()
        let lines = (try String(contentsOf: fireLog, encoding: .utf8)).split(separator: "\n")
        var counts: [String: Int] = [:]
        for line in lines {
            guard let fire = line.split(separator: " ").first else { continue }
            counts[String(fire), default: 0] += 1
        }
        report.duplicates = counts.filter { $0.value > 1 }.map(\.key).sorted()
        let fires = Set(counts.keys.compactMap(Timestamp.parse))
        var second = window.lowerBound.timeIntervalSince1970.rounded(.up)
        while second <= window.upperBound.timeIntervalSince1970 {
            let nominal = Date(timeIntervalSince1970: second)
            report.expected += 1
            if fires.contains(nominal) {
                report.ran += 1
            } else if let recovered = recoveredAt, nominal > recovered.addingTimeInterval(20) {
                report.missingAfterRecovery.append(nominal)
            }
            second += 1
        }
        let store = try await PostgresAgentStore.open(url: url, options: .init(schema: schema))
        defer { store.close() }
        var cursor: RunCursor?
        repeat {
            let page = try await store.queryRuns(RunQuery(limit: 1000, cursor: cursor))
            for record in page.records {
                if !record.status.isTerminal { report.unfinished.append("\(record.id) \(record.status)") }
                if record.status == .abandoned {
                    report.abandoned += 1
                    if record.notifiedAt == nil { report.unannounced.append(record.id.rawValue) }
                }
            }
            cursor = page.nextCursor
        } while cursor != nil
        report.exitedDuringOutage = exitedDuringOutage
        return report
    }
}
