import AgentCore
import AgentScheduling
import AgentStorage
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `agentctl bench scheduler`: the scheduler's figures from issue 5 — dispatch lateness on the real clock with
/// 10,000 scheduled agents, simulated fires per wall-clock second over a year on the manual clock, and the CPU
/// the process uses while nothing is due.
enum SchedulerBenchmark {
    static let help = """
        USAGE: agentctl bench scheduler [--agents N] [--seconds S] [--sim-agents M] [--sim-days D]
                                        [--idle-seconds I] [--only lateness|simulation|idle] [--json]

        Lateness: N agents (default 10000) on interval schedules of N ms each, staggered by 1 ms, so one fire
        is due every millisecond; the scheduler runs on the system clock with the in-memory store and no-op
        agents for S seconds (default 10, the first second is warm-up). Lateness is the time from a fire's
        nominal time to the agent's start. Target: p99 <= 2 ms.
        Simulation: M agents (default 100) with mixed schedules from every 5 minutes to monthly, D days
        (default 365) on the manual clock, no-op agents, in-memory store, driven tick by tick; reports
        simulated fires per wall-clock second. Baseline, measured in the same run: the bare cron engine computing
        the same fire times (the same M schedules over the same D days with successive next(after:) calls, no
        scheduler, no store; fastest of 3 passes), in fires per second, and the ratio of fires/s to it: the
        share of a fire's cost that computing its time is. A second baseline: the bare store operations of a
        run's life cycle (as in 'bench orchestrator', one at a time, 200000 runs on a fresh in-memory store), in
        runs per second, and the ratio of fires/s to it. The machine-independent figure is this second ratio:
        like the simulation it is allocation and memory traffic, while the cron engine is pure arithmetic that
        a loaded or different machine barely slows (measured: under load the simulation and the store baseline
        both fell about 8-10x, the engine not at all).
        Targets: >= 100000 fires/s on the 2-core development machine, store ratio >= 0.08 on any machine.
        Idle: the process CPU time over I seconds (default 5) with nothing to do, first without a scheduler (the
        Swift runtime's own baseline: on Linux libdispatch wakes its thread-pool monitor once a second), then
        with a scheduler of 1000 agents whose next fire is months away, and that scheduler's wake-ups meanwhile.
        Target: no wake-ups, CPU at the baseline.
        """

    /// The whole report, as printed with `--json`.
    struct Report: Encodable {
        var benchmark = "scheduler"
        var latenessAgents: Int?
        var latenessSamples: Int?
        var latenessP50Milliseconds: Double?
        var latenessP99Milliseconds: Double?
        var latenessMaxMilliseconds: Double?
        var simulatedAgents: Int?
        var simulatedDays: Int?
        var simulatedFires: Int?
        var simulatedTicks: Int?
        var simulationSeconds: Double?
        var firesPerSecond: Int?
        var baselineFiresPerSecond: Int?
        var firesPerSecondRatio: Double?
        var targetFiresPerSecondRatioToStore: Double?
        var baselineDescription: String?
        var storeBaselineRunsPerSecond: Int?
        var firesPerSecondRatioToStore: Double?
        var idleSeconds: Double?
        var idleCPUMilliseconds: Double?
        var idleBaselineCPUMilliseconds: Double?
        var idleSchedulerWakeUps: Int?
    }

    static func run(_ arguments: [String], io: CommandIO) async -> Int32 {
        let agents: Int
        let seconds: Int
        let simulationAgents: Int
        let simulationDays: Int
        let idleSeconds: Int
        let only: String?
        let json: Bool
        do throws(UsageError) {
            let parsed = try ParsedArguments(
                arguments, valueOptions: ["agents", "seconds", "sim-agents", "sim-days", "idle-seconds", "only"],
                flagOptions: ["json"])
            agents = try parsed.integer("agents", default: 10_000, range: 1...1_000_000)
            seconds = try parsed.integer("seconds", default: 10, range: 2...3600)
            simulationAgents = try parsed.integer("sim-agents", default: 100, range: 7...100_000)
            simulationDays = try parsed.integer("sim-days", default: 365, range: 1...3660)
            idleSeconds = try parsed.integer("idle-seconds", default: 5, range: 1...3600)
            only = parsed.value("only")
            json = parsed.has("json")
            if let only, !["lateness", "simulation", "idle"].contains(only) {
                throw UsageError("--only must be lateness, simulation or idle, got \"\(only)\"")
            }
        } catch {
            io.printError("agentctl bench scheduler: \(error.message)")
            return ExitCode.usage
        }
        var report = Report()
        do {
            // Quietest first: the idle window, then lateness, then the simulation (which leaves gigabytes to free).
            if only == nil || only == "idle" {
                let idle = try await measureIdle(seconds: idleSeconds)
                report.idleSeconds = Double(idleSeconds)
                report.idleCPUMilliseconds = idle.scheduler
                report.idleBaselineCPUMilliseconds = idle.baseline
                report.idleSchedulerWakeUps = idle.wakeUps
            }
            if only == nil || only == "lateness" {
                let lateness = try await measureLateness(agents: agents, seconds: seconds)
                report.latenessAgents = agents
                report.latenessSamples = lateness.count
                report.latenessP50Milliseconds = OrchestratorBenchmark.percentile(lateness, 0.50)
                report.latenessP99Milliseconds = OrchestratorBenchmark.percentile(lateness, 0.99)
                report.latenessMaxMilliseconds = lateness.max()
            }
            if only == nil || only == "simulation" {
                let result = try await simulateYear(agents: simulationAgents, days: simulationDays)
                report.simulatedAgents = simulationAgents
                report.simulatedDays = simulationDays
                report.simulatedFires = result.fires
                report.simulatedTicks = result.ticks
                report.simulationSeconds = result.seconds
                let rate = Double(result.fires) / result.seconds
                report.firesPerSecond = Int(rate)
                report.baselineFiresPerSecond = Int(result.engineFiresPerSecond)
                report.firesPerSecondRatio = Baselines.ratio(rate, to: result.engineFiresPerSecond)
                report.targetFiresPerSecondRatioToStore = targetSimulationRatio
                report.baselineDescription =
                    "bare cron engine: next(after:) over the same schedules and days, no scheduler, no store; "
                    + "store baseline: record, claimRun, 2 x updateRun on a fresh in-memory store, 1 at a time"
                let store = try await Baselines.storeLifeCycle(runs: 200_000, concurrency: 1, agent: "sim-0")
                report.storeBaselineRunsPerSecond = Int(store)
                report.firesPerSecondRatioToStore = Baselines.ratio(rate, to: store)
            }
        } catch {
            io.printError("agentctl bench scheduler: \(error)")
            return ExitCode.failure
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            guard let data = try? encoder.encode(report) else { return ExitCode.failure }
            io.print(String(decoding: data, as: UTF8.self))
        } else {
            io.print(render(report))
        }
        return ExitCode.success
    }

    private static func render(_ report: Report) -> String {
        var table = TextTable(["MEASURE", "VALUE", "TARGET"])
        if let fires = report.simulatedFires, let rate = report.firesPerSecond, let seconds = report.simulationSeconds {
            table.add([
                "simulated year", "\(report.simulatedAgents ?? 0) agents, \(report.simulatedDays ?? 0) days", "",
            ])
            table.add([
                "simulated fires",
                "\(fires) at \(report.simulatedTicks ?? 0) instants in \(String(format: "%.2f", seconds)) s", "",
            ])
            table.add(["simulated fires per second", "\(rate)", ">= 100000 (2-core dev machine)"])
            if let baseline = report.baselineFiresPerSecond, let ratio = report.firesPerSecondRatio {
                table.add(["baseline: bare cron engine fires/s", "\(baseline)", ""])
                table.add(["ratio (fires/s / engine fires/s)", Baselines.format(ratio: ratio), ""])
            }
            if let store = report.storeBaselineRunsPerSecond, let ratio = report.firesPerSecondRatioToStore {
                table.add(["baseline: bare store life cycle runs/s", "\(store) (1 at a time)", ""])
                table.add([
                    "ratio (fires/s / store runs/s)", Baselines.format(ratio: ratio),
                    ">= \(Baselines.format(ratio: targetSimulationRatio)): "
                        + (ratio >= targetSimulationRatio ? "met" : "NOT met"),
                ])
            }
        }
        if let p50 = report.latenessP50Milliseconds, let p99 = report.latenessP99Milliseconds {
            table.add([
                "dispatch lateness", "\(report.latenessAgents ?? 0) agents, \(report.latenessSamples ?? 0) fires", "",
            ])
            table.add(["lateness p50", String(format: "%.3f ms", p50), ""])
            table.add(["lateness p99", String(format: "%.3f ms", p99), "<= 2 ms"])
            table.add(["lateness max", String(format: "%.3f ms", report.latenessMaxMilliseconds ?? 0), ""])
        }
        if let cpu = report.idleCPUMilliseconds, let baseline = report.idleBaselineCPUMilliseconds {
            let seconds = report.idleSeconds ?? 0
            table.add(["idle scheduler wake-ups", "\(report.idleSchedulerWakeUps ?? 0) in \(Int(seconds)) s", "0"])
            table.add(["idle CPU, 1000 agents", String(format: "%.2f ms in %.0f s", cpu, seconds), "0"])
            table.add(["idle CPU, no scheduler", String(format: "%.2f ms in %.0f s", baseline, seconds), "(runtime)"])
        }
        var text = table.render()
        if report.firesPerSecondRatio != nil {
            text += """


                Baselines: the bare cron engine computing the same fire times (same schedules, same days,
                next(after:) only, no scheduler, no store); and the bare store operations of a run's life cycle
                (record, claimRun, two updateRun) on a fresh in-memory store, one at a time. Compare the ratio to
                the store life cycle across machines; fires/s and lateness are this machine's.
                """
        }
        return text
    }

    // MARK: - Simulation

    /// The mixed schedules of the simulated year: every 5 and 15 minutes, hourly, every 6 hours, daily (some
    /// in New York time), weekly and monthly, spread over the hour and the day.
    static func mixedSchedules(count: Int) -> [ScheduleConfiguration] {
        (0..<count).map { index in
            let slot = index % 7
            let minute = (index * 7) % 60
            let hour = (index * 5) % 24
            switch slot {
            case 0: return .cron("*/5 * * * *")
            case 1: return .cron("\(minute % 15)-59/15 * * * *")
            case 2: return .cron("\(minute) * * * *")
            case 3: return .cron("\(minute) */6 * * *")
            case 4: return .cron("\(minute) \(hour) * * *", timeZone: index % 2 == 0 ? "UTC" : "America/New_York")
            case 5: return .cron("\(minute) \(hour) * * \(index % 7)")
            default: return .cron("\(minute) \(hour) \(1 + index % 28) * *")
            }
        }
    }

    /// The target ratio of the simulated fires per second to the bare store life cycle's runs per second.
    static let targetSimulationRatio = 0.08

    /// Runs `agents` no-op agents through `days` simulated days, one tick per distinct fire time, then times the
    /// bare cron engine computing the same fire times.
    static func simulateYear(
        agents count: Int, days: Int
    ) async throws -> (fires: Int, ticks: Int, seconds: Double, engineFiresPerSecond: Double) {
        let start = Date(timeIntervalSince1970: 1_767_225_600)
        let end = start.addingTimeInterval(Double(days) * 86_400)
        let clock = ManualClock(start: start, yieldsPerWake: 0)
        let store = InMemoryAgentStore(clock: clock)
        let agents = mixedSchedules(count: count).enumerated().map { index, schedule in
            ClosureAgent(
                name: AgentName(stringLiteral: "sim-\(index)"), schedule: schedule,
                policy: RunPolicy(retry: .never)
            ) { _, _ in .noOp() }
        }
        let scheduler = try AgentScheduler(
            agents: agents, store: store, clock: clock,
            configuration: SchedulerConfiguration(
                random: SeededRandomNumberGenerator(seed: 1), owner: "bench",
                runIDs: RunIDGenerator(random: SeededRandomNumberGenerator(seed: 2))))
        let began = ContinuousClock.now
        let ticks = await scheduler.simulate(through: end, on: clock)
        let seconds = (ContinuousClock.now - began).timeInterval
        let fires = store.runCount
        let expressions = try agents.map { agent in
            guard let expression = try Schedule(agent.schedule).cronExpression else {
                throw StoreError(.invalidRecord, "agent \(agent.name) has no cron schedule")
            }
            return expression
        }
        let engine = Baselines.cronEngine(schedules: expressions, from: start, through: end, repeats: 3)
        guard fires == engine.fires else {
            throw StoreError(
                .invalidRecord, "the simulation recorded \(fires) runs; the schedules predict \(engine.fires)")
        }
        return (fires, ticks, seconds, engine.firesPerSecond)
    }

    // MARK: - Lateness

    /// Lateness samples in milliseconds, from `agents` staggered interval agents on the system clock.
    static func measureLateness(agents count: Int, seconds: Int) async throws -> [Double] {
        let clock = SystemClock()
        let store = InMemoryAgentStore(clock: clock)
        let samples = Mutex<[Double]>([])
        samples.withLock { $0.reserveCapacity(count * seconds) }
        let period = Duration.milliseconds(count)
        let origin = Date(timeIntervalSince1970: (clock.now.timeIntervalSince1970 + 2).rounded(.down))
        let warmUpEnds = origin.addingTimeInterval(1)
        let agents = (0..<count).map { index in
            ClosureAgent(
                name: AgentName(stringLiteral: "late-\(index)"),
                schedule: .interval(period, anchoredAt: origin.addingTimeInterval(Double(index) / 1000)),
                policy: RunPolicy(retry: .never)
            ) { request, _ in
                let started = Date()
                if let nominal = request.trigger.nominalFireTime, nominal >= warmUpEnds {
                    let lateness = started.timeIntervalSince(nominal) * 1000
                    samples.withLock { $0.append(lateness) }
                }
                return .noOp()
            }
        }
        let scheduler = try AgentScheduler(
            agents: agents, store: store, clock: clock,
            configuration: SchedulerConfiguration(owner: "bench-lateness"))
        let running = Task { try await scheduler.run() }
        try await Task.sleep(for: .seconds(Double(seconds) + 2))
        running.cancel()
        try await running.value
        return samples.withLock { $0 }
    }

    // MARK: - Idle

    /// Process CPU milliseconds over `seconds` with nothing to do, first without a scheduler (the runtime's own
    /// baseline), then while a scheduler of 1000 far-future agents runs; and the scheduler's wake-ups meanwhile.
    static func measureIdle(seconds: Int) async throws -> (baseline: Double, scheduler: Double, wakeUps: Int) {
        let baselineStart = cpuMilliseconds()
        try await Task.sleep(for: .seconds(seconds))
        let baseline = cpuMilliseconds() - baselineStart

        let clock = SystemClock()
        let store = InMemoryAgentStore(clock: clock)
        let agents = (0..<1000).map { index in
            ClosureAgent(
                name: AgentName(stringLiteral: "idle-\(index)"), schedule: .cron("0 0 1 1 *"),
                policy: RunPolicy(retry: .never)
            ) { _, _ in .noOp() }
        }
        let scheduler = try AgentScheduler(
            agents: agents, store: store, clock: clock, configuration: SchedulerConfiguration(owner: "bench-idle"))
        let running = Task { try await scheduler.run() }
        // Let it load and park, then measure.
        _ = await scheduler.waitUntilParked()
        let ticksBefore = await scheduler.ticks
        let before = cpuMilliseconds()
        try await Task.sleep(for: .seconds(seconds))
        let used = cpuMilliseconds() - before
        let wakeUps = await scheduler.ticks - ticksBefore
        running.cancel()
        try await running.value
        return (baseline, used, wakeUps)
    }

    /// User plus system CPU time of the process, in milliseconds.
    static func cpuMilliseconds() -> Double {
        var usage = rusage()
        #if os(Linux)
            getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        #else
            getrusage(RUSAGE_SELF, &usage)
        #endif
        func milliseconds(_ time: timeval) -> Double { Double(time.tv_sec) * 1000 + Double(time.tv_usec) / 1000 }
        return milliseconds(usage.ru_utime) + milliseconds(usage.ru_stime)
    }
}
