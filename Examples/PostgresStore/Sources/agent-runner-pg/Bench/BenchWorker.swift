import AgentCore
import AgentScheduling
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
            url: url, options: .init(schema: schema, maximumConnections: 8))
        defer { store.close() }
        switch role {
        case "lifecycle":
            let result = try await lifecycle(store, runs: options.runs, concurrency: options.concurrency)
            print("{\"runs\": \(options.runs), \"seconds\": \(result.seconds)}")
        case "taker":
            let takenAt = try await takeRequests(store, count: options.runs)
            let data = try JSONSerialization.data(
                withJSONObject: ["taken": options.runs, "takenAtNanoseconds": takenAt], options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        default:
            throw StoreError(.invalidQuery, "unknown bench worker role \(role)")
        }
        return 0
    }

    /// Runs `runs` no-op runs through the whole life cycle with `concurrency` at a time, each by the runner's own
    /// ``Orchestrator`` (claim, running with its lease, the agent, the terminal record, the events).
    /// - Returns: The elapsed seconds and every claim's latency in milliseconds.
    static func lifecycle(_ store: PostgresAgentStore, runs: Int, concurrency: Int) async throws
        -> (seconds: Double, claimMilliseconds: [Double])
    {
        let timing = ClaimTimingStore(store)
        let orchestrator = Orchestrator(store: timing, owner: "bench-\(ProcessInfo.processInfo.processIdentifier)")
        let agent = ClosureAgent(name: "bench", policy: RunPolicy(retry: .never)) { _, _ in .noOp() }
        let prefix = "\(orchestrator.owner)-\(UUID().uuidString.prefix(8))"
        let clock = ContinuousClock()
        let start = clock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in 0..<concurrency {
                group.addTask {
                    var index = lane
                    while index < runs {
                        let request = AgentRunRequest(
                            agent: "bench", correlationID: "bench",
                            idempotencyKey: try IdempotencyKey("\(prefix)-\(index)"))
                        let execution = try await orchestrator.execute(request, agent: agent)
                        guard execution.disposition == .executed, execution.record.status == .noOp else {
                            throw StoreError(
                                .invalidRecord,
                                "bench run \(index) ended as \(execution.disposition), \(execution.record.status)")
                        }
                        index += concurrency
                    }
                }
            }
            try await group.waitForAll()
        }
        return (Self.milliseconds(clock.now - start) / 1000, timing.claimLatencies)
    }

    /// Follows the change feed and takes every pending run request, until `count` were taken.
    /// - Returns: For each request taken, the ``MonotonicTime`` at which its take returned.
    static func takeRequests(_ store: PostgresAgentStore, count: Int) async throws -> [String: Int64] {
        var cursor = try await store.latestChangeCursor()
        var takenAt: [String: Int64] = [:]
        FileHandle.standardOutput.write(Data("{\"ready\": true}\n".utf8))
        while takenAt.count < count {
            try await store.waitForChanges(after: cursor)
            let page = try await store.changes(after: cursor, limit: 100)
            cursor = page.cursor
            for change in page.changes {
                guard case .request(let request) = change.kind, request.state == .pending else { continue }
                if try await store.takeRequest(id: request.id, owner: "bench-taker") != nil {
                    takenAt[request.id] = MonotonicTime.nanoseconds()
                }
            }
        }
        return takenAt
    }

    static func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}
