import AgentCore
import AgentStorage
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `agentctl bench store`: the JSON-file store's figures from issue 4 — acknowledged (flushed) writes per
/// second with concurrent writers, the time and memory to open a store of a million runs, and the latency
/// of a filtered page of 50.
enum StoreBenchmark {
    static let help = """
        USAGE: agentctl bench store [--records N] [--writes W] [--writers C] [--queries Q] [--directory DIR] [--keep]
                                    [--baseline-seconds S] [--json]
               agentctl bench store --existing STORE [--queries Q] [--json]

        Writes: W run records (default 200000) inserted by C concurrent tasks (default 32) into an empty store;
        every insert returns only after its journal bytes are flushed with fdatasync (group commit shares the
        flushes). Open: a store of N runs (default 1000000, 50 agents, realistic records) is written and
        compacted, then opened afresh; the figures are the open time and the resident memory it added per run
        (from /proc/self/statm after malloc_trim). Query: Q filtered pages of 50 (default 2000): by agent, by
        status, by agent and status, by time window, and the second page of each; p50 and p99 latency.
        DIR (default: a fresh temporary directory, deleted afterwards unless --keep) must be on the disk being
        measured. --existing measures only the open and the queries, on a store a previous --keep run left
        (the store's runs must come from this benchmark, so the query filters find pages of 50).
        Baselines, measured in the same run on the same disk: the fsync floor, a bare loop that appends a
        600-byte line to a file in DIR and calls fdatasync, for S seconds (default 1) with 1 writer thread and
        with C writer threads on one file; and for the open, reading the same files with pread in 8 MiB chunks
        and counting their lines with memchr on one thread (after the open, so the page cache is as warm).
        Ratios, the machine-independent figures to compare: writes/s / single-writer fsyncs/s (acknowledged
        writes per flush time: what group commit buys), and open time / read-and-scan time.
        Targets: >= 20000 writes/s with 32 writers, open <= 2 s (2-core development machine); writes ratio
        >= 3, open ratio <= 10 (any machine); page <= 1 ms, well under 1 KiB per run.
        """

    /// The target ratio of acknowledged writes per second (32 writers) to the single-writer fsync floor.
    static let targetWritesRatio = 3.0
    /// The target ratio of the open time to the time to read and line-scan the same files.
    static let targetOpenRatio = 10.0

    /// The whole report, as printed with `--json`.
    struct Report: Encodable {
        var benchmark = "store"
        var writes: Int
        var writers: Int
        var writesPerSecond: Int
        var baselineFlushesPerSecond: Int
        var baselineFlushesPerSecondWithWriters: Int
        var writesRatio: Double
        var writesRatioToWriters: Double
        var targetWritesRatio = StoreBenchmark.targetWritesRatio
        var records: Int
        var storeBytes: Int64
        var openSeconds: Double
        var baselineOpenSeconds: Double
        var openRatio: Double
        var targetOpenRatio = StoreBenchmark.targetOpenRatio
        var residentBytesPerRecord: Double
        var queries: Int
        var pageP50Microseconds: Double
        var pageP99Microseconds: Double
        var compactSeconds: Double
        var baselineDescription =
            "writes: bare append+fdatasync loop in the same directory, 1 thread and C threads; "
            + "open: pread the same files in 8 MiB chunks and count lines with memchr, 1 thread"
    }

    static func run(_ arguments: [String], io: CommandIO) async -> Int32 {
        let records: Int
        let writes: Int
        let writers: Int
        let queries: Int
        let baselineSeconds: Int
        let json: Bool
        let keep: Bool
        let existing: URL?
        let base: URL
        do {
            let parsed = try ParsedArguments(
                arguments,
                valueOptions: [
                    "records", "writes", "writers", "queries", "directory", "existing", "baseline-seconds",
                ],
                flagOptions: ["json", "keep"])
            records = try parsed.integer("records", default: 1_000_000, range: 1...100_000_000)
            writes = try parsed.integer("writes", default: 200_000, range: 1...100_000_000)
            writers = try parsed.integer("writers", default: 32, range: 1...4096)
            queries = try parsed.integer("queries", default: 2000, range: 1...10_000_000)
            baselineSeconds = try parsed.integer("baseline-seconds", default: 1, range: 1...600)
            json = parsed.has("json")
            keep = parsed.has("keep")
            existing = parsed.value("existing").map { URL(fileURLWithPath: $0, isDirectory: true) }
            base =
                parsed.value("directory").map { URL(fileURLWithPath: $0, isDirectory: true) }
                ?? FileManager.default.temporaryDirectory
        } catch {
            io.printError("agentctl bench store: \(error.message)")
            return ExitCode.usage
        }
        if let existing { return await measureExisting(existing, queries: queries, json: json, io: io) }
        let root = base.appendingPathComponent("agentctl-bench-store-\(getpid())", isDirectory: true)
        defer {
            if keep {
                io.printError("kept the store of \(records) runs at \(root.appendingPathComponent("open").path)")
                try? FileManager.default.removeItem(at: root.appendingPathComponent("writes"))
            } else {
                try? FileManager.default.removeItem(at: root)
            }
        }
        do {
            let flushes = try Baselines.flushRate(directory: root, writers: 1, seconds: Double(baselineSeconds))
            let flushesWithWriters = try Baselines.flushRate(
                directory: root, writers: writers, seconds: Double(baselineSeconds))
            let writeRate = try await measureWrites(
                directory: root.appendingPathComponent("writes"), writes: writes, writers: writers)
            let seeded = try await seed(directory: root.appendingPathComponent("open"), records: records)
            let opened = try await measureOpen(directory: root.appendingPathComponent("open"), records: records)
            let scan = try Baselines.readAndScan(directory: root.appendingPathComponent("open"))
            let latencies = try await measureQueries(opened.store, queries: queries, newest: seeded.newest)
            let report = Report(
                writes: writes, writers: writers, writesPerSecond: Int(writeRate),
                baselineFlushesPerSecond: Int(flushes), baselineFlushesPerSecondWithWriters: Int(flushesWithWriters),
                writesRatio: Baselines.ratio(writeRate, to: flushes),
                writesRatioToWriters: Baselines.ratio(writeRate, to: flushesWithWriters), records: records,
                storeBytes: seeded.bytes, openSeconds: rounded(opened.seconds),
                baselineOpenSeconds: rounded(scan.seconds),
                openRatio: Baselines.ratio(opened.seconds, to: scan.seconds),
                residentBytesPerRecord: opened.bytesPerRecord, queries: latencies.count,
                pageP50Microseconds: OrchestratorBenchmark.percentile(latencies, 0.5),
                pageP99Microseconds: OrchestratorBenchmark.percentile(latencies, 0.99),
                compactSeconds: rounded(seeded.compactSeconds))
            if json {
                io.print(try JSONLines.encode(report))
            } else {
                io.print(render(report))
            }
            return ExitCode.success
        } catch {
            io.printError("agentctl bench store: \(error)")
            return ExitCode.failure
        }
    }

    private static func render(_ report: Report) -> String {
        var table = TextTable(["MEASURE", "VALUE", "TARGET"])
        table.add([
            "acknowledged writes/s", "\(report.writesPerSecond) (\(report.writes) by \(report.writers) writers)",
            ">= 20000 (2-core dev machine)",
        ])
        table.add(["baseline: fsyncs/s, 1 writer", "\(report.baselineFlushesPerSecond) (append + fdatasync)", ""])
        table.add([
            "baseline: fsyncs/s, \(report.writers) writers", "\(report.baselineFlushesPerSecondWithWriters) (one file)",
            "",
        ])
        table.add([
            "ratio writes/s / fsyncs/s (1 w.)", Baselines.format(ratio: report.writesRatio),
            ">= \(Baselines.format(ratio: report.targetWritesRatio)): "
                + (report.writesRatio >= report.targetWritesRatio ? "met" : "NOT met"),
        ])
        table.add([
            "ratio writes/s / fsyncs/s (\(report.writers) w.)", Baselines.format(ratio: report.writesRatioToWriters),
            "",
        ])
        table.add(["store size", "\(report.records) runs, \(report.storeBytes / 1_048_576) MiB on disk", ""])
        table.add(["compact (write snapshot)", String(format: "%.2f s", report.compactSeconds), ""])
        addOpenRows(
            to: &table, seconds: report.openSeconds, baseline: report.baselineOpenSeconds, ratio: report.openRatio,
            runs: report.records)
        table.add(["resident memory per run", String(format: "%.0f bytes", report.residentBytesPerRecord), "< 1024"])
        table.add(["filtered page of 50, p50", String(format: "%.0f µs", report.pageP50Microseconds), "<= 1000"])
        table.add(["filtered page of 50, p99", String(format: "%.0f µs", report.pageP99Microseconds), ""])
        return table.render() + "\n\n" + explanation
    }

    private static func addOpenRows(
        to table: inout TextTable, seconds: Double, baseline: Double, ratio: Double, runs: Int
    ) {
        table.add(["open", String(format: "%.2f s (%d runs)", seconds, runs), "<= 2 s (2-core dev machine)"])
        table.add(["baseline: read + line scan", String(format: "%.3f s (pread, memchr, 1 thread)", baseline), ""])
        table.add([
            "ratio open / read + scan", Baselines.format(ratio: ratio),
            "<= \(Baselines.format(ratio: targetOpenRatio)): " + (ratio <= targetOpenRatio ? "met" : "NOT met"),
        ])
    }

    private static let explanation = """
        Baselines: fsyncs/s of a bare loop appending a 600-byte line and calling fdatasync in the same directory
        (1 thread, and the writers' count of threads on one file); for the open, reading the same files with
        pread and counting lines with memchr on one thread. Compare the ratios across machines; the absolute
        figures are this machine's and this disk's.
        """

    private static func rounded(_ seconds: Double) -> Double {
        (seconds * 10_000).rounded() / 10_000
    }

    /// Opens a store kept by an earlier run and measures the open and the queries only.
    private static func measureExisting(_ directory: URL, queries: Int, json: Bool, io: CommandIO) async -> Int32 {
        do {
            let opened = try await measureOpen(directory: directory, records: nil)
            guard let newest = try await opened.store.queryRuns(RunQuery(limit: 1)).records.first?.queuedAt else {
                throw StoreError(.invalidQuery, "\(directory.path) holds no runs")
            }
            let latencies = try await measureQueries(opened.store, queries: queries, newest: newest)
            let p50 = OrchestratorBenchmark.percentile(latencies, 0.5)
            let p99 = OrchestratorBenchmark.percentile(latencies, 0.99)
            let scan = try Baselines.readAndScan(directory: directory)
            let ratio = Baselines.ratio(opened.seconds, to: scan.seconds)
            if json {
                io.print(
                    """
                    {"benchmark":"store","records":\(opened.store.runCount),"openSeconds":\(rounded(opened.seconds)),\
                    "baselineOpenSeconds":\(rounded(scan.seconds)),"openRatio":\(ratio),\
                    "targetOpenRatio":\(targetOpenRatio),\
                    "residentBytesPerRecord":\(opened.bytesPerRecord),"pageP50Microseconds":\(p50),\
                    "pageP99Microseconds":\(p99)}
                    """)
            } else {
                var table = TextTable(["MEASURE", "VALUE", "TARGET"])
                addOpenRows(
                    to: &table, seconds: opened.seconds, baseline: scan.seconds, ratio: ratio,
                    runs: opened.store.runCount)
                table.add(["resident memory per run", String(format: "%.0f bytes", opened.bytesPerRecord), "< 1024"])
                table.add(["filtered page of 50, p50", String(format: "%.0f µs", p50), "<= 1000"])
                table.add(["filtered page of 50, p99", String(format: "%.0f µs", p99), ""])
                io.print(table.render() + "\n\n" + explanation)
            }
            return ExitCode.success
        } catch {
            io.printError("agentctl bench store: \(error)")
            return ExitCode.failure
        }
    }

    static let agents: [AgentName] = (0..<50).map { index in
        (try? AgentName("agent-\(index)")) ?? "agent"
    }

    /// A realistic finished run: what the orchestrator writes after a scheduled run.
    static func record(_ index: Int, at date: Date, ids: RunIDGenerator) -> RunRecord {
        let agent = agents[index % agents.count]
        let request = AgentRunRequest(
            agent: agent, trigger: .scheduled(at: date),
            parameters: ["repository": .string("service-\(index % 17)"), "depth": 2],
            correlationID: "bench-\(index)")
        var record = RunRecord(id: ids.next(at: date), request: request, status: .queued, queuedAt: date)
        let roll = (index / agents.count) % 20
        record.status = roll < 16 ? .succeeded : roll < 18 ? .failed : roll == 18 ? .noOp : .skipped
        record.startedAt = date.addingTimeInterval(0.05)
        record.endedAt = date.addingTimeInterval(3.5)
        record.summary = record.status == .failed ? nil : "processed \(index % 1000) items"
        if record.status == .failed {
            record.errorClass = .transient
            record.errorMessage = "upstream returned 503; retried with backoff"
        }
        record.leaseOwner = "bench-host:\(getpid())"
        record.leaseExpiresAt = date.addingTimeInterval(60)
        return record
    }

    private static func measureWrites(directory: URL, writes: Int, writers: Int) async throws -> Double {
        let clock = SystemClock()
        let store = try JSONFileAgentStore(
            directory: directory, clock: clock, options: .init(automaticCompaction: true))
        let ids = RunIDGenerator()
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<writers {
                group.addTask {
                    for index in stride(from: worker, to: writes, by: writers) {
                        try await store.insertRun(record(index, at: clock.now, ids: ids))
                    }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = (ContinuousClock.now - start).timeInterval
        guard store.runCount == writes else {
            throw StoreError(.invalidRecord, "expected \(writes) records, found \(store.runCount)")
        }
        return Double(writes) / elapsed
    }

    private static func seed(directory: URL, records: Int) async throws -> (
        bytes: Int64, compactSeconds: Double, newest: Date
    ) {
        let store = try JSONFileAgentStore(
            directory: directory, clock: SystemClock(), options: .init(automaticCompaction: false))
        let ids = RunIDGenerator(random: SeededRandomNumberGenerator(seed: 1))
        let start = Date(timeIntervalSince1970: 1_764_547_200)
        let spacing = 30.0 * 86_400 / Double(records)
        var index = 0
        while index < records {
            let end = min(index + 10_000, records)
            try await store.insertRuns(
                (index..<end).map { record($0, at: start.addingTimeInterval(Double($0) * spacing), ids: ids) })
            index = end
        }
        let compactStart = ContinuousClock.now
        try await store.compact()
        let compactSeconds = (ContinuousClock.now - compactStart).timeInterval
        var bytes: Int64 = 0
        for name in ["snapshot.jsonl", "journal.jsonl"] {
            let attributes = try FileManager.default.attributesOfItem(
                atPath: directory.appendingPathComponent(name).path)
            bytes += (attributes[.size] as? NSNumber)?.int64Value ?? 0
        }
        return (bytes, compactSeconds, start.addingTimeInterval(Double(records) * spacing))
    }

    /// Returns freed heap memory to the system (glibc's `malloc_trim`, looked up at run time because the
    /// Glibc module does not export it), so resident-memory deltas measure live data.
    private static func releaseFreeMemory() {
        #if canImport(Glibc)
            typealias Trim = @convention(c) (Int) -> Int32
            if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") {
                _ = unsafeBitCast(symbol, to: Trim.self)(0)
            }
        #endif
    }

    private static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    private static func measureOpen(directory: URL, records: Int?) async throws -> (
        store: JSONFileAgentStore, seconds: Double, bytesPerRecord: Double
    ) {
        releaseFreeMemory()
        let before = residentBytes()
        let start = ContinuousClock.now
        let store = try await JSONFileAgentStore.open(directory: directory, clock: SystemClock())
        let seconds = (ContinuousClock.now - start).timeInterval
        releaseFreeMemory()
        let after = residentBytes()
        if let records, store.runCount != records {
            throw StoreError(.corruptData, "opened \(store.runCount) runs, expected \(records)")
        }
        return (store, seconds, Double(after - before) / Double(max(1, store.runCount)))
    }

    private static func measureQueries(_ store: JSONFileAgentStore, queries: Int, newest: Date) async throws -> [Double]
    {
        var random = SeededRandomNumberGenerator(seed: 9)
        var latencies: [Double] = []
        latencies.reserveCapacity(queries)
        for index in 0..<queries {
            let agent = agents[Int.random(in: 0..<agents.count, using: &random)]
            let since = newest.addingTimeInterval(-Double.random(in: 86_400...(20 * 86_400), using: &random))
            var query: RunQuery
            switch index % 4 {
            case 0: query = RunQuery(agent: agent, limit: 50)
            case 1: query = RunQuery(statuses: [.failed, .skipped], limit: 50)
            case 2: query = RunQuery(agent: agent, statuses: [.failed], limit: 50)
            default: query = RunQuery(queuedSince: since, queuedBefore: since.addingTimeInterval(86_400), limit: 50)
            }
            let start = ContinuousClock.now
            let page = try await store.queryRuns(query)
            latencies.append((ContinuousClock.now - start).timeInterval * 1_000_000)
            // Small stores (--records below about 50,000) may hold fewer matches than a page.
            guard let cursor = page.nextCursor else { continue }
            query.cursor = cursor
            let secondStart = ContinuousClock.now
            _ = try await store.queryRuns(query)
            latencies.append((ContinuousClock.now - secondStart).timeInterval * 1_000_000)
        }
        return latencies
    }
}
