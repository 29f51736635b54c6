import AgentCore
import Foundation
import PostgresAgentStore
import PostgresNIO

/// Direct access to the server for the benchmark's baselines, its settings and the bulk fill of the paging table.
final class BenchConnection: Sendable {
    let client: PostgresClient
    let task: Task<Void, Never>

    init(url: DatabaseURL) throws {
        let tls: PostgresClient.Configuration.TLS =
            switch url.tlsMode {
            case .disable: .disable
            case .prefer: .prefer(.makeClientConfiguration())
            case .require: .require(.makeClientConfiguration())
            }
        var configuration = PostgresClient.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password, database: url.database,
            tls: tls)
        configuration.options.maximumConnections = 64
        let client = PostgresClient(configuration: configuration)
        self.client = client
        task = Task { await client.run() }
    }

    func close() { task.cancel() }

    @discardableResult
    private func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        var rows: [PostgresRow] = []
        for try await row in try await client.query(query) { rows.append(row) }
        return rows
    }

    /// The server version and the settings that matter for the figures.
    func settings() async throws -> [String: String] {
        var settings: [String: String] = [:]
        for name in ["server_version", "synchronous_commit", "fsync", "shared_buffers", "max_connections", "wal_level"]
        {
            let rows = try await rows(PostgresQuery(unsafeSQL: "SHOW \(name)"))
            settings[name] = try rows.first?.decode(String.self) ?? "?"
        }
        return settings
    }

    /// Flushes the server's dirty buffers now (`CHECKPOINT`), so that the next measure does not share the machine
    /// with the checkpoint that the previous phase's writes would otherwise start in the middle of it.
    /// - Returns: `false` when the role may not (it needs to be a superuser or a member of `pg_checkpoint`).
    func checkpoint() async throws -> Bool {
        do {
            try await rows("CHECKPOINT")
            return true
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "42501" {
            return false
        }
    }

    /// `SELECT 1` round trips on one connection, one after the other: p50 and p99 in milliseconds.
    func selectOneRoundTrip(count: Int) async throws -> (Double, Double) {
        let clock = ContinuousClock()
        var latencies: [Double] = []
        try await client.withConnection { connection in
            for _ in 0..<count {
                let start = clock.now
                for try await _ in try await connection.query("SELECT 1", logger: connection.logger) {}
                latencies.append(BenchWorker.milliseconds(clock.now - start))
            }
        }
        return (PostgresBenchmark.percentile(latencies, 0.5), PostgresBenchmark.percentile(latencies, 0.99))
    }

    /// One-row INSERT commits (autocommit) on one connection, one after the other: p50 and p99 in milliseconds. Each
    /// waits for the server to flush its commit to disk, so this is the disk's flush latency as a commit sees it, the
    /// floor of anything that must be durable before it is seen, such as a request before a runner takes it.
    func commitLatency(count: Int) async throws -> (Double, Double) {
        let clock = ContinuousClock()
        var latencies: [Double] = []
        try await withScratchTable("bench_latency") { table in
            try await client.withConnection { connection in
                for index in 0..<count {
                    let start = clock.now
                    let query: PostgresQuery =
                        "INSERT INTO \(unescaped: table) (id, body) VALUES (\(Int64(index)), 'x')"
                    for try await _ in try await connection.query(query, logger: connection.logger) {}
                    latencies.append(BenchWorker.milliseconds(clock.now - start))
                }
            }
        }
        return (PostgresBenchmark.percentile(latencies, 0.5), PostgresBenchmark.percentile(latencies, 0.99))
    }

    /// One-row INSERT commits per second (autocommit) with `concurrency` connections: the server's bare write rate.
    func insertCommitRate(count: Int, concurrency: Int) async throws -> Double {
        let clock = ContinuousClock()
        var seconds = 0.0
        try await withScratchTable("bench_commit") { table in
            let start = clock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for lane in 0..<concurrency {
                    group.addTask {
                        var index = lane
                        while index < count {
                            try await self.rows(
                                "INSERT INTO \(unescaped: table) (id, body) VALUES (\(Int64(index)), 'x')")
                            index += concurrency
                        }
                    }
                }
                try await group.waitForAll()
            }
            seconds = BenchWorker.milliseconds(clock.now - start) / 1000
        }
        return Double(count) / seconds
    }

    /// Runs `body` with a table `(id bigint, body text)` of this process, dropped afterwards (also when `body` fails).
    private func withScratchTable(_ prefix: String, _ body: (String) async throws -> Void) async throws {
        let table = "\(prefix)_\(ProcessInfo.processInfo.processIdentifier)"
        try await rows(PostgresQuery(unsafeSQL: "CREATE TABLE IF NOT EXISTS \(table) (id bigint, body text)"))
        do {
            try await body(table)
        } catch {
            _ = try? await rows(PostgresQuery(unsafeSQL: "DROP TABLE \(table)"))
            throw error
        }
        try await rows(PostgresQuery(unsafeSQL: "DROP TABLE \(table)"))
    }

    /// Inserts `count` finished runs of four agents into a store's schema, in batches of 10,000 rows.
    func fillRuns(schema: String, count: Int) async throws {
        let ids = RunIDGenerator()
        let start = Date().addingTimeInterval(-Double(count))
        let statuses: [RunStatus] = [.succeeded, .succeeded, .succeeded, .failed, .noOp]
        let encoder = JSONEncoder()
        var done = 0
        while done < count {
            let size = min(10_000, count - done)
            var idColumn: [String] = []
            var agentColumn: [String] = []
            var keyColumn: [String] = []
            var statusColumn: [String] = []
            var queuedColumn: [Int64] = []
            var recordColumn: [String] = []
            for offset in 0..<size {
                let number = done + offset
                let queued = start.addingTimeInterval(Double(number))
                let request = AgentRunRequest(
                    agent: AgentName(stringLiteral: "agent-\(number % 4)"), correlationID: "bench",
                    idempotencyKey: try IdempotencyKey("fill-\(number)"))
                var record = RunRecord(
                    id: ids.next(at: queued), request: request, status: statuses[number % statuses.count],
                    queuedAt: queued)
                record.startedAt = record.queuedAt
                record.endedAt = record.queuedAt
                idColumn.append(record.id.rawValue)
                agentColumn.append(record.agentName.rawValue)
                keyColumn.append(record.idempotencyKey.rawValue)
                statusColumn.append(record.status.rawValue)
                queuedColumn.append(Timestamp.milliseconds(record.queuedAt))
                recordColumn.append(String(decoding: try encoder.encode(record), as: UTF8.self))
            }
            try await rows(
                """
                INSERT INTO \(unescaped: schema).runs (id, agent, idempotency_key, status, queued_at, ended_at, record)
                SELECT id, agent, key, status, \(unescaped: schema).ts(queued), \(unescaped: schema).ts(queued),
                    record::json
                FROM unnest(\(idColumn)::text[], \(agentColumn)::text[], \(keyColumn)::text[], \(statusColumn)::text[],
                    \(queuedColumn)::bigint[], \(recordColumn)::text[]) AS fill(id, agent, key, status, queued, record)
                """)
            done += size
        }
        // As after any bulk load: set the hint bits and the visibility map and gather statistics now, so that
        // autovacuum does not do it during the measurement.
        try await rows(PostgresQuery(unsafeSQL: "VACUUM (ANALYZE) \(schema).runs"))
    }

    /// For every control request of a store's schema that was taken, the time from its `requested_at` to its
    /// `taken_at` in milliseconds, both stamped by the database's clock to the microsecond, by request id.
    func requestTakeLatencies(schema: String) async throws -> [String: Double] {
        let rows = try await rows(
            PostgresQuery(
                unsafeSQL: """
                    SELECT id, (extract(epoch FROM taken_at - requested_at) * 1000)::float8
                    FROM \(schema).requests WHERE taken_at IS NOT NULL
                    """))
        var latencies: [String: Double] = [:]
        for row in rows {
            let (id, milliseconds) = try row.decode((String, Double).self)
            latencies[id] = milliseconds
        }
        return latencies
    }

    /// The engine's floor under the request-to-start latency: one connection commits a one-row INSERT whose statement
    /// also sends a notification carrying the statement's clock, one every 20 ms; another connection LISTENs, and on
    /// each notification this process runs a statement on a pooled connection that reads the clock again. The
    /// difference (database clock, microseconds) is a commit's flush, its notification and the next statement's way
    /// to the server, with no store code: p50 and p99 in milliseconds.
    func notificationReaction(url: DatabaseURL, count: Int) async throws -> (Double, Double) {
        var configuration = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password, database: url.database,
            tls: try Self.connectionTLS(url.tlsMode))
        configuration.options.connectTimeout = .seconds(5)
        let listener = try await PostgresConnection.connect(
            configuration: configuration, id: 1, logger: Logger(label: "agent-runner-pg-bench"))
        let channel = "bench_floor_\(ProcessInfo.processInfo.processIdentifier)"
        let (listening, announceListening) = AsyncStream<Void>.makeStream()
        var latencies: [Double] = []
        do {
            try await withScratchTable("bench_floor") { table in
                latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
                    group.addTask {
                        // Ending the stream also when LISTEN fails, so the wait for it below always ends.
                        defer { announceListening.finish() }
                        return try await listener.listen(on: channel) { notifications in
                            announceListening.yield()
                            var latencies: [Double] = []
                            for try await notification in notifications {
                                guard let sent = Double(notification.payload) else { continue }
                                var reacted = sent
                                for try await clock in try await self.client.execute(ClockReadingStatement()) {
                                    reacted = clock
                                }
                                latencies.append((reacted - sent) * 1000)
                                if latencies.count == count { break }
                            }
                            return latencies
                        }
                    }
                    group.addTask {
                        // The deadline: a lost notification must not hang the benchmark. Closing the connection ends
                        // the listener's sequence, so the group can finish.
                        try await Task.sleep(for: .seconds(30) + .milliseconds(20 * count))
                        announceListening.finish()
                        try? await listener.close()
                        throw BenchFailure(message: "the notification floor did not see its \(count) notifications")
                    }
                    for await _ in listening { break }
                    for index in 0..<count {
                        try await self.rows(
                            """
                            WITH added AS (INSERT INTO \(unescaped: table) (id, body) VALUES (\(Int64(index)), 'x'))
                            SELECT pg_notify(\(channel), extract(epoch FROM clock_timestamp())::float8::text)
                            """)
                        try await Task.sleep(for: .milliseconds(20))
                    }
                    let latencies = try await group.next() ?? []
                    group.cancelAll()
                    return latencies
                }
            }
        } catch {
            try? await listener.close()
            throw error
        }
        try? await listener.close()
        return (PostgresBenchmark.percentile(latencies, 0.5), PostgresBenchmark.percentile(latencies, 0.99))
    }

    private static func connectionTLS(_ mode: DatabaseURL.TLSMode) throws -> PostgresConnection.Configuration.TLS {
        switch mode {
        case .disable: return .disable
        case .prefer: return .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: return .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
    }
}
