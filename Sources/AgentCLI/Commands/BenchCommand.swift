import Foundation

/// `agentctl bench <name>`: the benchmarks behind every performance figure the project states.
enum BenchCommand: AgentCommand {
    struct Benchmark: Sendable {
        let name: String
        let summary: String
        /// The benchmark's own `--help` text, printed by ``BenchCommand`` before the benchmark would parse.
        let help: String
        let run: @Sendable ([String], CommandIO) async -> Int32
    }

    static let benchmarks: [Benchmark] = [
        Benchmark(
            name: "orchestrator", summary: "no-op runs per second through the full run life cycle, and p50/p99 latency",
            help: OrchestratorBenchmark.help, run: OrchestratorBenchmark.run),
        Benchmark(
            name: "cron", summary: "median ns per next(after:) for 20 expressions and zones, and parse time",
            help: CronBenchmark.help, run: CronBenchmark.run),
        Benchmark(
            name: "store",
            summary: "acknowledged writes/s with 32 writers, open time and memory for 1M runs, filtered-page latency",
            help: StoreBenchmark.help, run: StoreBenchmark.run),
        Benchmark(
            name: "scheduler",
            summary: "dispatch lateness with 10,000 agents, simulated fires per second over a year, idle CPU",
            help: SchedulerBenchmark.help, run: SchedulerBenchmark.run),
    ]

    static let name = "bench"
    static let summary = "Run a benchmark (release build: swift run -c release agentctl bench …)"
    static var help: String {
        let list = benchmarks.map { "  \($0.name.padding(toLength: 14, withPad: " ", startingAt: 0))\($0.summary)" }
        return """
            USAGE: agentctl bench <benchmark> [options] [--json]

            BENCHMARKS:
            \(list.joined(separator: "\n"))

            Figures are only meaningful from a release build:
              swift run -c release agentctl bench orchestrator
            Run 'agentctl bench <benchmark> --help' for its options.
            """
    }

    static func run(_ arguments: [String], io: CommandIO) async -> Int32 {
        guard let first = arguments.first, !first.hasPrefix("-") else {
            if helpRequested(arguments) {
                io.print(help)
                return ExitCode.success
            }
            io.printError("agentctl bench: name a benchmark: \(benchmarks.map(\.name).joined(separator: ", "))")
            return ExitCode.usage
        }
        guard let benchmark = benchmarks.first(where: { $0.name == first }) else {
            io.printError(
                "agentctl bench: unknown benchmark '\(first)'; known: \(benchmarks.map(\.name).joined(separator: ", "))"
            )
            return ExitCode.usage
        }
        let rest = Array(arguments.dropFirst())
        if helpRequested(rest) {
            io.print(benchmark.help)
            return ExitCode.success
        }
        #if DEBUG
            io.printError("note: this is a debug build; use 'swift run -c release agentctl bench …' for real figures")
        #endif
        return await benchmark.run(rest, io)
    }
}
