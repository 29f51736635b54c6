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
        for suffix in ["lifecycle", "requests", "page"] {
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

        let lifecycleSchema = "\(prefix)_lifecycle"
        let store = try await PostgresAgentStore.open(
            url: url,
            options: .init(schema: lifecycleSchema, maximumConnections: 8))
        defer { store.close() }
        let single = try await BenchWorker.lifecycle(store, runs: options.runs, concurrency: options.concurrency)
        report.lifecycleOneProcess = Double(options.runs) / single.seconds
        report.claimP50 = PostgresBenchmark.percentile(single.claimMilliseconds, 0.5)
        report.claimP99 = PostgresBenchmark.percentile(single.claimMilliseconds, 0.99)

        let workers = try (0..<4).map { _ in
            try BenchProcess(
                [
                    "--worker", "lifecycle", "--bench-schema", lifecycleSchema, "--runs", String(options.runs / 4),
                    "--concurrency", String(options.concurrency),
                ], url: url)
        }
        var slowest = 0.0
        for worker in workers {
            let line = try await worker.finish(deadline: 600)
            slowest = max(slowest, BenchProcess.number(line, "seconds") ?? 0)
        }
        report.lifecycleFourProcesses = slowest > 0 ? Double(options.runs / 4 * 4) / slowest : 0

        // Each measure has its own schema, and the life cycle's is gone before the next starts: its dead row
        // versions would otherwise be vacuumed by the server in the middle of the next measure.
        store.close()
        try await PostgresAgentStore.removeSchema(url: url.connectionText, schema: lifecycleSchema)
        report.requestToStart = try await requestToStart()
        (report.pageP50, report.pageP99) = try await paging(raw: raw)
        report.pageRows = options.pageRows
        report.runs = options.runs
        report.concurrency = options.concurrency
        return report
    }

    /// A taker process follows the feed; this process submits 200 run requests, each once the one before was
    /// taken, and learns that from the feed too (a notification, not polling, so that it does not load the server
    /// while the taker works).
    private func requestToStart() async throws -> (Double, Double) {
        let count = 200
        let schema = "\(prefix)_requests"
        let store = try await PostgresAgentStore.open(url: url, options: .init(schema: schema))
        defer { store.close() }
        let taker = try BenchProcess(
            ["--worker", "taker", "--bench-schema", schema, "--runs", String(count)], url: url)
        try await taker.waitForLine(containing: "ready", deadline: 30)
        var cursor = try await store.latestChangeCursor()
        var latencies: [Double] = []
        for index in 0..<count {
            let request = ControlRequest(
                id: "bench-request-\(index)",
                action: .run(request: AgentRunRequest(agent: "bench", correlationID: "bench")), requestedBy: "bench")
            let submitted = try await store.submitRequest(request)
            let start = cursor
            let (taken, next) = try await withRealTimeDeadline(
                seconds: 10, StoreError(.unavailable, "the taker did not take request \(request.id) within 10 s")
            ) {
                var cursor = start
                while true {
                    try await store.waitForChanges(after: cursor)
                    let page = try await store.changes(after: cursor, limit: 100)
                    cursor = page.cursor
                    for change in page.changes {
                        if case .request(let current) = change.kind, current.id == request.id, current.state == .taken {
                            return (current, cursor)
                        }
                    }
                }
            }
            guard let takenAt = taken.takenAt else {
                throw StoreError(.corruptData, "request \(request.id) is taken but has no takenAt")
            }
            cursor = next
            latencies.append(takenAt.timeIntervalSince(submitted.requestedAt) * 1000)
        }
        _ = try await taker.finish(deadline: 30)
        return (PostgresBenchmark.percentile(latencies, 0.5), PostgresBenchmark.percentile(latencies, 0.99))
    }

    /// Fills a schema with `pageRows` runs, then times filtered pages of 50.
    private func paging(raw: BenchConnection) async throws -> (Double, Double) {
        let schema = "\(prefix)_page"
        let store = try await PostgresAgentStore.open(url: url, options: .init(schema: schema))
        defer { store.close() }
        try await raw.fillRuns(schema: schema, count: options.pageRows)
        let agents: [AgentName] = ["agent-0", "agent-1", "agent-2", "agent-3"]
        var latencies: [Double] = []
        let clock = ContinuousClock()
        for index in 0..<400 {
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
