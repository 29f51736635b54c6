import AgentCore
import AgentScheduling
import AgentStorage
import Foundation

/// `agentctl bench orchestrator`: how many no-op runs per second go through claim, running, terminal
/// record and events on the in-memory store, and how long one run takes.
enum OrchestratorBenchmark {
    static let help = """
        USAGE: agentctl bench orchestrator [--runs N] [--concurrency C] [--samples S] [--json]

        Throughput: N runs (default 200000) of a no-op agent, C at a time (default 8), each through the full
        life cycle (atomic claim, running record with lease, terminal record, events to one subscriber) on the
        in-memory store. Latency: S runs (default 20000) one after another, p50 and p99 of each run's time.
        """

    static func run(_ arguments: [String], io: CommandIO) async -> Int32 {
        let runs: Int
        let concurrency: Int
        let samples: Int
        let json: Bool
        do {
            let parsed = try ParsedArguments(
                arguments, valueOptions: ["runs", "concurrency", "samples"], flagOptions: ["json"])
            runs = try parsed.integer("runs", default: 200_000, range: 1...100_000_000)
            concurrency = try parsed.integer("concurrency", default: 8, range: 1...1024)
            samples = try parsed.integer("samples", default: 20_000, range: 1...10_000_000)
            json = parsed.has("json")
        } catch {
            io.printError("agentctl bench orchestrator: \(error.message)")
            return ExitCode.usage
        }
        let agent = ClosureAgent(name: "noop", policy: RunPolicy(retry: .never)) { _, _ in .noOp() }
        do {
            let throughput = try await measureThroughput(agent: agent, runs: runs, concurrency: concurrency)
            let latencies = try await measureLatency(agent: agent, samples: samples)
            let p50 = percentile(latencies, 0.50)
            let p99 = percentile(latencies, 0.99)
            if json {
                io.print(
                    """
                    {"benchmark":"orchestrator","runs":\(runs),"concurrency":\(concurrency),\
                    "runsPerSecond":\(Int(throughput.rate)),"eventsDelivered":\(throughput.events),\
                    "latencySamples":\(samples),"p50Microseconds":\(format(p50)),"p99Microseconds":\(format(p99))}
                    """)
            } else {
                var table = TextTable(["MEASURE", "VALUE"])
                table.add(["runs (throughput)", "\(runs) at concurrency \(concurrency)"])
                table.add(["runs per second", "\(Int(throughput.rate))"])
                table.add(["events delivered", "\(throughput.events)"])
                table.add(["latency samples", "\(samples)"])
                table.add(["p50 latency", "\(format(p50)) µs"])
                table.add(["p99 latency", "\(format(p99)) µs"])
                io.print(table.render())
            }
            return ExitCode.success
        } catch {
            io.printError("agentctl bench orchestrator: \(error)")
            return ExitCode.failure
        }
    }

    private static func measureThroughput(
        agent: ClosureAgent, runs: Int, concurrency: Int
    ) async throws -> (rate: Double, events: Int) {
        let clock = SystemClock()
        let store = InMemoryAgentStore(clock: clock)
        let events = EventBroadcaster()
        let orchestrator = Orchestrator(store: store, clock: clock, events: events, owner: "bench")
        let stream = events.subscribe()
        let counter = Task {
            var count = 0
            for await _ in stream { count += 1 }
            return count
        }
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    for index in stride(from: worker, to: runs, by: concurrency) {
                        let request = AgentRunRequest(
                            agent: agent.name, parameters: ["n": .integer(Int64(index))], correlationID: "bench")
                        _ = try await orchestrator.execute(request, agent: agent)
                    }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = (ContinuousClock.now - start).timeInterval
        events.finish()
        let delivered = await counter.value
        guard store.runCount == runs else {
            throw StoreError(.invalidRecord, "expected \(runs) records, found \(store.runCount)")
        }
        return (Double(runs) / elapsed, delivered)
    }

    private static func measureLatency(agent: ClosureAgent, samples: Int) async throws -> [Double] {
        let clock = SystemClock()
        let store = InMemoryAgentStore(clock: clock)
        let orchestrator = Orchestrator(store: store, clock: clock, owner: "bench")
        var latencies: [Double] = []
        latencies.reserveCapacity(samples)
        for index in 0..<samples {
            let request = AgentRunRequest(
                agent: agent.name, parameters: ["n": .integer(Int64(index))], correlationID: "bench")
            let start = ContinuousClock.now
            _ = try await orchestrator.execute(request, agent: agent)
            latencies.append((ContinuousClock.now - start).timeInterval * 1_000_000)
        }
        return latencies
    }

    static func percentile(_ values: [Double], _ fraction: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let index = min(sorted.count - 1, max(0, Int((Double(sorted.count) * fraction).rounded(.up)) - 1))
        return sorted[index]
    }

    private static func format(_ microseconds: Double) -> String {
        String(format: "%.1f", microseconds)
    }
}
