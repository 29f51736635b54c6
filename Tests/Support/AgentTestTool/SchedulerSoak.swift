import AgentCore
import AgentScheduling
import AgentStorage
import Foundation

/// `agent-test-tool scheduler-soak`: what the scheduler's process tests run as child processes, several at
/// once on one JSON-file store, to show that every fire runs exactly once across processes.
///
/// It prints one line per agent body that actually ran, from inside the body, so the parent sees every
/// execution whichever process performed it.
enum SchedulerSoak {
    static let name = "scheduler-soak"
    static let summary = "Run a scheduler on a JSON-file store until a deadline"
    static let help = """
        USAGE: agent-test-tool scheduler-soak <directory> --owner NAME --origin MS --until MS
                                              [--agents N] [--interval-ms I] [--concurrency C]

        Opens the JSON-file store in <directory> and schedules N no-op agents (default 8) named soak-0 …
        soak-<N-1>, each on an interval of I milliseconds (default 100) anchored at ORIGIN (milliseconds since
        1970), with overlap policy queue (a slow store delays a fire instead of skipping it). Once the agents are
        registered it prints "ready <owner> <ms>"; fires after that time are its to run. Every agent body prints
        "ran <agent> <nominal fire ms> <owner>". At UNTIL (milliseconds since 1970) the scheduler is stopped
        gracefully; then the command prints "done <owner>" and exits.
        Several processes started with the same arguments (but different owners) share the work: each fire runs
        in exactly one of them.

        Exit status: 0 when done, 1 when the store or the scheduler failed, 2 for bad usage.
        """

    static func run(_ arguments: [String], output: ToolOutput) async -> Int32 {
        if arguments.contains("--help") {
            output.print(help)
            return 0
        }
        do {
            let parsed = try ToolArguments(
                arguments, options: ["owner", "origin", "until", "agents", "interval-ms", "concurrency"])
            guard parsed.positionals.count == 1, let owner = parsed.value("owner") else {
                throw ToolArguments.UsageError(message: "expected <directory> and --owner")
            }
            let origin = try parsed.integer("origin", default: 0, range: 1...Int.max)
            let until = try parsed.integer("until", default: 0, range: 1...Int.max)
            let count = try parsed.integer("agents", default: 8, range: 1...10_000)
            let interval = try parsed.integer("interval-ms", default: 100, range: 1...86_400_000)
            let concurrency = try parsed.integer("concurrency", default: 5, range: 1...1024)
            let directory = URL(fileURLWithPath: parsed.positionals[0], isDirectory: true)
            try await soak(
                directory: directory, owner: owner, origin: Date(timeIntervalSince1970: Double(origin) / 1000),
                until: Date(timeIntervalSince1970: Double(until) / 1000), agents: count,
                interval: .milliseconds(interval), concurrency: concurrency, output: output)
            output.print("done \(owner)")
            return 0
        } catch let error as ToolArguments.UsageError {
            output.printError("agent-test-tool \(name): \(error.message)")
            return 2
        } catch {
            output.printError("agent-test-tool \(name): \(error)")
            return 1
        }
    }

    private static func soak(
        directory: URL, owner: String, origin: Date, until: Date, agents count: Int, interval: Duration,
        concurrency: Int, output: ToolOutput
    ) async throws {
        let clock = SystemClock()
        let store = try await JSONFileAgentStore.open(directory: directory, clock: clock)
        let agents = try (0..<count).map { index in
            ClosureAgent(
                name: try AgentName("soak-\(index)"), schedule: .interval(interval, anchoredAt: origin),
                policy: RunPolicy(overlap: .queue, retry: .never)
            ) { request, _ in
                let fire = request.trigger.nominalFireTime.map { Timestamp.milliseconds($0) } ?? -1
                output.print("ran \(request.agentName) \(fire) \(owner)")
                return .succeeded()
            }
        }
        let scheduler = try AgentScheduler(
            agents: agents, store: store, clock: clock,
            configuration: SchedulerConfiguration(maximumConcurrentRuns: concurrency, owner: owner))
        output.print("ready \(owner) \(Timestamp.milliseconds(clock.now))")
        let running = Task { try await scheduler.run() }
        try await clock.sleep(until: until)
        running.cancel()
        try await running.value
    }
}
