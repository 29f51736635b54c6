import AgentCore
import AgentScheduling
import AgentStorage
import Foundation

/// `agentctl bench orchestrator`: how many no-op runs per second go through claim, running, terminal
/// record and events on the in-memory store, and how long one run takes.
enum OrchestratorBenchmark {
    static let help = """
        USAGE: agentctl bench orchestrator [--runs N] [--concurrency C] [--samples S] [--rounds R] [--json]

        Throughput: N runs (default 200000) of a no-op agent, C at a time (default 8), each through the full
        life cycle (atomic claim, running record with lease, terminal record, events to one subscriber) on the
        in-memory store. Latency: S runs (default 20000) one after another, p50 and p99 of each run's time.
        Baseline, measured in the same run: the bare store operations of the same life cycle (build the queued
        record, claimRun, updateRun to running, updateRun to the terminal record) for N runs, C at a time, on a
        fresh in-memory store, with no orchestrator, agent, timers or events. Throughput and baseline alternate
        R times (default 2); each is the best of its rounds. The machine-independent figure is the ratio
        (orchestrator runs/s / bare store runs/s): the share of a run's cost that the store's own operations
        are. Targets: >= 50000 runs/s on the 2-core development machine, ratio >= 0.15 on any machine.
        """

    /// The target ratio of the orchestrator's runs per second to the bare store operations' runs per second.
    static let targetRatio = 0.15

    /// The whole report, as printed with `--json`.
    struct Report: Encodable {
        var benchmark = "orchestrator"
        var runs: Int
        var concurrency: Int
        var rounds: Int
        var runsPerSecond: Int
        var baselineRunsPerSecond: Int
        var ratio: Double
        var targetRatio: Double
        var meetsTargetRatio: Bool
        var eventsDelivered: Int
        var latencySamples: Int
        var p50Microseconds: Double
        var p99Microseconds: Double
        var baselineDescription =
            "bare store operations of the life cycle (record, claimRun, 2 x updateRun) on the in-memory store"
    }

    static func run(_ arguments: [String], io: CommandIO) async -> Int32 {
        let runs: Int
        let concurrency: Int
        let samples: Int
        let rounds: Int
        let json: Bool
        do {
            let parsed = try ParsedArguments(
                arguments, valueOptions: ["runs", "concurrency", "samples", "rounds"], flagOptions: ["json"])
            runs = try parsed.integer("runs", default: 200_000, range: 1...100_000_000)
            concurrency = try parsed.integer("concurrency", default: 8, range: 1...1024)
            samples = try parsed.integer("samples", default: 20_000, range: 1...10_000_000)
            rounds = try parsed.integer("rounds", default: 2, range: 1...100)
            json = parsed.has("json")
        } catch {
            io.printError("agentctl bench orchestrator: \(error.message)")
            return ExitCode.usage
        }
        let agent = ClosureAgent(name: "noop", policy: RunPolicy(retry: .never)) { _, _ in .noOp() }
        do {
            var rate = 0.0
            var baseline = 0.0
            var events = 0
            for _ in 0..<rounds {
                baseline = max(
                    baseline,
                    try await Baselines.storeLifeCycle(runs: runs, concurrency: concurrency, agent: agent.name))
                let throughput = try await measureThroughput(agent: agent, runs: runs, concurrency: concurrency)
                if throughput.rate > rate { (rate, events) = (throughput.rate, throughput.events) }
            }
            let latencies = try await measureLatency(agent: agent, samples: samples)
            let ratio = Baselines.ratio(rate, to: baseline)
            let report = Report(
                runs: runs, concurrency: concurrency, rounds: rounds, runsPerSecond: Int(rate),
                baselineRunsPerSecond: Int(baseline), ratio: ratio, targetRatio: targetRatio,
                meetsTargetRatio: ratio >= targetRatio, eventsDelivered: events, latencySamples: samples,
                p50Microseconds: rounded(percentile(latencies, 0.50)),
                p99Microseconds: rounded(percentile(latencies, 0.99)))
            if json {
                io.print(try JSONLines.encode(report))
            } else {
                io.print(render(report))
            }
            return ExitCode.success
        } catch {
            io.printError("agentctl bench orchestrator: \(error)")
            return ExitCode.failure
        }
    }

    private static func render(_ report: Report) -> String {
        var table = TextTable(["MEASURE", "VALUE", "TARGET"])
        table.add([
            "runs (throughput)", "\(report.runs) at concurrency \(report.concurrency), best of \(report.rounds)", "",
        ])
        table.add(["runs per second", "\(report.runsPerSecond)", ">= 50000 (2-core dev machine)"])
        table.add(["baseline: bare store ops/s", "\(report.baselineRunsPerSecond)", ""])
        table.add([
            "ratio (runs/s / baseline)", Baselines.format(ratio: report.ratio),
            ">= \(Baselines.format(ratio: report.targetRatio)): " + (report.meetsTargetRatio ? "met" : "NOT met"),
        ])
        table.add(["events delivered", "\(report.eventsDelivered)", ""])
        table.add(["latency samples", "\(report.latencySamples)", ""])
        table.add(["p50 latency", "\(format(report.p50Microseconds)) µs", ""])
        table.add(["p99 latency", "\(format(report.p99Microseconds)) µs", ""])
        return table.render() + """


            Baseline: the store operations one run performs (build the queued record, claimRun, updateRun to
            running, updateRun to its terminal record) on a fresh in-memory store, same runs, same concurrency,
            no orchestrator. Compare the ratio across machines; runs/s and latencies are this machine's.
            """
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

    private static func rounded(_ value: Double) -> Double {
        (value * 10).rounded() / 10
    }

    private static func format(_ microseconds: Double) -> String {
        String(format: "%.1f", microseconds)
    }
}
