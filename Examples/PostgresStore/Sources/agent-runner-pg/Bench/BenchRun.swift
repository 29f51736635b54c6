import AgentCore
import Foundation
import PostgresAgentStore
import PostgresNIO

/// One benchmark run: measures, then removes its schemas.
struct BenchRun {
    let url: DatabaseURL
    let options: BenchOptions
    let prefix = "bench_\(ProcessInfo.processInfo.processIdentifier)"

    init(url: DatabaseURL, options: BenchOptions) {
        self.url = url
        self.options = options
    }

    /// Measures everything, then removes the benchmark's schemas (also when a step failed).
    func measure() async throws -> BenchReport {
        let result: Result<BenchReport, any Error>
        do {
            result = .success(try await measureAll())
        } catch {
            result = .failure(error)
        }
        for suffix in (0..<options.trials).map({ "lifecycle\($0 + 1)" }) + ["requests", "page"] {
            try? await PostgresAgentStore.removeSchema(url: url.connectionText, schema: "\(prefix)_\(suffix)")
        }
        return try result.get()
    }

    private func measureAll() async throws -> BenchReport {
        var report = BenchReport()
        let raw = try BenchConnection(url: url)
        defer { raw.close() }
        report.settings = try await raw.settings()
        (report.selectOneP50, report.selectOneP99) = try await raw.selectOneRoundTrip(count: 2_000)
        report.insertCommitsPerSecond = try await raw.insertCommitRate(count: 2_000, concurrency: 8)
        (report.commitP50, report.commitP99) = try await raw.commitLatency(count: 500)
        (report.notificationReactionP50, report.notificationReactionP99) = try await raw.notificationReaction(
            url: url, count: 500)

        // Each measure starts after a CHECKPOINT, so that the writes of the step before do not set one off in the
        // middle of it. The life cycle is measured in several trials, each in a schema of its own, and reported by
        // their median: on a shared machine one trial can land in a slow minute.
        report.checkpointed = try await raw.checkpoint()
        var claimMilliseconds: [Double] = []
        for trial in 1...options.trials {
            let (one, four, claims) = try await lifecycleTrial(raw: raw, schema: "\(prefix)_lifecycle\(trial)")
            report.lifecycleOneProcessTrials.append(one)
            report.lifecycleFourProcessesTrials.append(four)
            claimMilliseconds += claims
        }
        report.claimP50 = PostgresBenchmark.percentile(claimMilliseconds, 0.5)
        report.claimP99 = PostgresBenchmark.percentile(claimMilliseconds, 0.99)
        (report.requestToStart, report.requestToStartSeenByProcesses) = try await requestToStart(raw: raw)
        (report.pageP50, report.pageP99) = try await paging(raw: raw)
        report.pageRows = options.pageRows
        report.requests = options.requests
        report.runs = options.runs
        report.concurrency = options.concurrency
        return report
    }

    /// One trial of the life cycle in a new schema, removed at the end (its dead row versions would otherwise be
    /// vacuumed by the server in the middle of the next measure): 1 process, then 4 processes. It starts after a
    /// `CHECKPOINT` and ends with one, for the measure after it.
    /// - Returns: Runs per second with 1 and with 4 processes, and the 1-process run's claim latencies.
    private func lifecycleTrial(raw: BenchConnection, schema: String) async throws
        -> (one: Double, four: Double, claims: [Double])
    {
        let store = try await PostgresAgentStore.open(url: url, options: .init(schema: schema, maximumConnections: 8))
        defer { store.close() }
        let single = try await BenchWorker.lifecycle(store, runs: options.runs, concurrency: options.concurrency)

        _ = try await raw.checkpoint()
        let workers = try (0..<4).map { _ in
            try BenchProcess(
                [
                    "--worker", "lifecycle", "--bench-schema", schema, "--runs", String(options.runs / 4),
                    "--concurrency", String(options.concurrency),
                ], url: url)
        }
        var slowest = 0.0
        for worker in workers {
            let line = try await worker.finish(deadline: 600)
            slowest = max(slowest, BenchProcess.number(line, "seconds") ?? 0)
        }
        store.close()
        try await PostgresAgentStore.removeSchema(url: url.connectionText, schema: schema)
        _ = try await raw.checkpoint()
        return (
            Double(options.runs) / single.seconds, slowest > 0 ? Double(options.runs / 4 * 4) / slowest : 0,
            single.claimMilliseconds
        )
    }

    /// A taker process follows the feed and takes each run request; this process trickles `--requests` requests, one
    /// every 20 ms (far longer than a take), and sleeps in between, so that it does not compete with the taker for the
    /// machine while a request is on its way. Each request's latency is measured twice, to the microsecond: its
    /// `taken_at` minus its `requested_at`, both stamped by the database's clock, read once every request was taken;
    /// and from this process's call to submit it to the return of the taker's take, on the machine's monotonic clock
    /// (which also counts the submit's way to the server and the take's commit and way back).
    private func requestToStart(raw: BenchConnection) async throws
        -> (database: (Double, Double), processes: (Double, Double))
    {
        let count = options.requests
        let schema = "\(prefix)_requests"
        let store = try await PostgresAgentStore.open(url: url, options: .init(schema: schema))
        defer { store.close() }
        let taker = try BenchProcess(
            ["--worker", "taker", "--bench-schema", schema, "--runs", String(count)], url: url)
        try await taker.waitForLine(containing: "ready", deadline: 30)
        var submittedAt: [String: Int64] = [:]
        for index in 0..<count {
            let request = ControlRequest(
                id: "bench-request-\(index)",
                action: .run(request: AgentRunRequest(agent: "bench", correlationID: "bench")), requestedBy: "bench")
            let start = MonotonicTime.nanoseconds()
            submittedAt[try await store.submitRequest(request).id] = start
            try await Task.sleep(for: .milliseconds(20))
        }
        // The taker exits once it took them all.
        let line = try await taker.finish(deadline: 30)
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            let takenAt = object["takenAtNanoseconds"] as? [String: NSNumber]
        else {
            throw BenchFailure(message: "the taker's report cannot be read: \(line)")
        }
        let stamped = try await raw.requestTakeLatencies(schema: schema)
        var databaseLatencies: [Double] = []
        var processLatencies: [Double] = []
        for (id, start) in submittedAt {
            guard let databaseLatency = stamped[id], let processTakenAt = takenAt[id] else {
                throw BenchFailure(message: "the taker ended without taking request \(id)")
            }
            databaseLatencies.append(databaseLatency)
            processLatencies.append(Double(processTakenAt.int64Value - start) / 1e6)
        }
        func p50AndP99(_ values: [Double]) -> (Double, Double) {
            (PostgresBenchmark.percentile(values, 0.5), PostgresBenchmark.percentile(values, 0.99))
        }
        return (p50AndP99(databaseLatencies), p50AndP99(processLatencies))
    }

    /// Fills a schema with `pageRows` runs, then times filtered pages of 50.
    private func paging(raw: BenchConnection) async throws -> (Double, Double) {
        let schema = "\(prefix)_page"
        let store = try await PostgresAgentStore.open(url: url, options: .init(schema: schema))
        defer { store.close() }
        try await raw.fillRuns(schema: schema, count: options.pageRows)
        _ = try await raw.checkpoint()
        let agents: [AgentName] = ["agent-0", "agent-1", "agent-2", "agent-3"]
        var latencies: [Double] = []
        let clock = ContinuousClock()
        for index in 0..<1_000 {
            var query = RunQuery(limit: 50)
            switch index % 4 {
            case 0: break
            case 1: query.agent = agents[index % agents.count]
            case 2: query.statuses = [.failed]
            default:
                query.agent = agents[(index / 4) % agents.count]
                query.statuses = [.succeeded, .failed]
            }
            let first = try await store.queryRuns(query)
            query.cursor = first.nextCursor
            let start = clock.now
            _ = try await store.queryRuns(query)
            latencies.append(BenchWorker.milliseconds(clock.now - start))
        }
        return (PostgresBenchmark.percentile(latencies, 0.5), PostgresBenchmark.percentile(latencies, 0.99))
    }
}

extension DatabaseURL {
    /// The URL as text, with its password, to pass to child processes and to ``PostgresAgentStore``.
    var connectionText: String {
        let password =
            self.password.map { ":" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0) } ?? ""
        return "postgres://\(user)\(password)@\(host):\(port)/\(database)?sslmode=\(tlsMode.rawValue)"
    }
}
