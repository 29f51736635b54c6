import AgentCore
import Foundation
import PostgresAgentStore

/// The work of one benchmark process: a share of the lifecycle runs, or taking run requests from the feed.
enum BenchWorker {
    /// Runs a worker role and prints its figures as one line of JSON.
    static func run(role: String, url: DatabaseURL, options: BenchOptions) async throws -> Int32 {
        guard let schema = options.schema else {
            throw StoreError(.invalidQuery, "a bench worker needs --bench-schema")
        }
        let store = try await PostgresAgentStore.open(
            url: url, options: .init(schema: schema, maximumConnections: options.concurrency + 2))
        defer { store.close() }
        switch role {
        case "lifecycle":
            let result = try await lifecycle(store, runs: options.runs, concurrency: options.concurrency)
            print("{\"runs\": \(options.runs), \"seconds\": \(result.seconds)}")
        case "taker":
            try await takeRequests(store, count: options.runs)
            print("{\"taken\": \(options.runs)}")
        default:
            throw StoreError(.invalidQuery, "unknown bench worker role \(role)")
        }
        return 0
    }

    /// Runs `runs` no-op runs through the whole life cycle with `concurrency` at a time.
    /// - Returns: The elapsed seconds and every claim's latency in milliseconds.
    static func lifecycle(_ store: PostgresAgentStore, runs: Int, concurrency: Int) async throws
        -> (seconds: Double, claimMilliseconds: [Double])
    {
        let ids = RunIDGenerator()
        let owner = "bench-\(ProcessInfo.processInfo.processIdentifier)"
        let clock = ContinuousClock()
        let start = clock.now
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            for lane in 0..<concurrency {
                group.addTask {
                    var latencies: [Double] = []
                    var index = lane
                    while index < runs {
                        let request = AgentRunRequest(
                            agent: "bench", correlationID: "bench",
                            idempotencyKey: try IdempotencyKey("\(owner)-\(index)"))
                        var record = RunRecord(id: ids.next(at: Date()), request: request, queuedAt: Date())
                        let claimStart = clock.now
                        guard
                            case .claimed(let claimed) = try await store.claimRun(
                                RunClaim(record: record, owner: owner, leaseDuration: .seconds(30)))
                        else { throw StoreError(.invalidRecord, "a fresh bench key was not claimed") }
                        latencies.append(Self.milliseconds(clock.now - claimStart))
                        record = claimed
                        record.status = .running
                        record.startedAt = Timestamp.roundedToMilliseconds(Date())
                        try await store.updateRun(record)
                        record.status = .noOp
                        record.endedAt = Timestamp.roundedToMilliseconds(Date())
                        record.leaseOwner = nil
                        record.leaseExpiresAt = nil
                        try await store.updateRun(record)
                        _ = try await store.markRunNotified(id: record.id)
                        index += concurrency
                    }
                    return latencies
                }
            }
            var all: [Double] = []
            for try await lane in group { all.append(contentsOf: lane) }
            return all
        }
        return (Self.milliseconds(clock.now - start) / 1000, latencies)
    }

    /// Follows the change feed and takes every pending run request, until `count` were taken.
    static func takeRequests(_ store: PostgresAgentStore, count: Int) async throws {
        var cursor = try await store.latestChangeCursor()
        var taken = 0
        FileHandle.standardOutput.write(Data("{\"ready\": true}\n".utf8))
        while taken < count {
            try await store.waitForChanges(after: cursor)
            let page = try await store.changes(after: cursor, limit: 100)
            cursor = page.cursor
            for change in page.changes {
                guard case .request(let request) = change.kind, request.state == .pending else { continue }
                if try await store.takeRequest(id: request.id, owner: "bench-taker") != nil { taken += 1 }
            }
        }
    }

    static func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}
