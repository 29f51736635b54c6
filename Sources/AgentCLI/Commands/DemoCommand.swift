import AgentCore
import AgentScheduling
import AgentStorage
import Foundation
import Synchronization

/// `agentctl demo`: writes a sample configuration into a temporary home, serves it for a few seconds, then
/// prints the runs and the health table. Needs nothing but a POSIX shell.
enum DemoCommand: AgentCommand {
    static let name = "demo"
    static let summary = "Serve four sample shell agents for a few seconds, then print runs and health"
    static let help = """
        USAGE: agentctl demo [--seconds N] [--json] [--clean]

        Writes a sample agentctl.json into a new temporary directory, runs 'agentctl serve' on it for a few
        seconds (12 by default), then prints every run and the health table. The agents are shell commands on
        second-level intervals:

          hello   every 2s: prints a greeting and succeeds
          flaky   every 4s: fails its first attempt ("connection reset"), succeeds when retried 1s later
          slow    every 5s: sleeps 30s, is stopped by its 2s timeout (SIGTERM to its process group): timedOut
          quota   every 3s: prints "usage limit reached", which a failure pattern classifies as rateLimited;
                  it echoes a secret that appears only as [REDACTED]; paused after 2 failures in a row

        Afterwards the directory is kept so that you can explore it with the printed commands (--clean removes
        it). Finishes by itself in about 15 seconds; Ctrl-C stops it early.

        OPTIONS:
          --seconds N       How long to serve, 4-120 (default 12)
          --json            Print events and then the run records as JSON lines
          --clean           Remove the temporary directory at the end

        EXIT STATUS: 0 when every agent behaved as described, 1 otherwise.
        """

    static func run(_ arguments: [String], io: CommandIO) async -> Int32 {
        guard let parsed = parse(arguments, io: io, options: ["seconds"], flags: ["json", "clean"]) else {
            return helpRequested(arguments) ? ExitCode.success : ExitCode.usage
        }
        let seconds: Int
        do {
            seconds = try parsed.integer("seconds", default: 12, range: 4...120)
        } catch {
            io.printError("agentctl demo: \(error.message)")
            return ExitCode.usage
        }
        let json = parsed.has("json")
        let file: URL
        let secret: String
        do {
            (file, secret) = try DemoAgents.writeToTemporaryDirectory(prefix: "agentctl-demo")
        } catch {
            io.printError("agentctl demo: cannot write the sample configuration: \(error)")
            return ExitCode.failure
        }
        let home = file.deletingLastPathComponent()
        defer { if parsed.has("clean") { try? FileManager.default.removeItem(at: home) } }
        // The demo's home is its own: AGENTCTL_HOME must not redirect its store.
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: RunnerConfiguration.storeEnvironmentVariable)
        guard
            let context = CommandContext.load(
                configPath: file.path, command: name, io: io, fileRequired: true, environment: environment),
            let runnable = context.runnable(command: name, io: io),
            let store = await context.openStore(forScheduling: true, command: name, io: io)
        else { return ExitCode.failure }
        if !json {
            io.print("Sample configuration: \(file.path)")
            io.print("Serving it for \(seconds) seconds (Ctrl-C stops early)…")
            io.print("")
        }
        let box = Mutex<AgentScheduler?>(nil)
        let session = ServeSession(
            configuration: context.configuration, runnable: runnable, store: store,
            formatter: EventFormatter(json: json, verbose: false), io: io, stopAfter: .seconds(seconds))
        let status = await session.run { scheduler in box.withLock { $0 = scheduler } }
        guard status == ExitCode.success, let scheduler = box.withLock({ $0 }) else { return ExitCode.failure }
        do {
            let records = try await allRecords(store)
            let health = try await scheduler.health(window: .seconds(3600))
            let leaked = try leaks(secret, in: home)
            if json {
                for record in records.reversed() { io.print(try JSONLines.encode(record)) }
            } else {
                report(
                    records: records, health: health, file: file, leaked: leaked, kept: !parsed.has("clean"), io: io)
            }
            return expectations(records, leaked: leaked, io: io)
        } catch {
            io.printError("agentctl demo: \(error)")
            return ExitCode.failure
        }
    }

    private static func allRecords(_ store: any CommandStore) async throws -> [RunRecord] {
        try await store.queryRuns(RunQuery(limit: RunQuery.maximumLimit)).records
    }

    /// The files under `home` that contain the secret (there must be none).
    private static func leaks(_ secret: String, in home: URL) throws -> [String] {
        let needle = Data(secret.utf8)
        var found: [String] = []
        let enumerator = FileManager.default.enumerator(at: home, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = enumerator?.nextObject() as? URL {
            if url.lastPathComponent == RunnerConfiguration.defaultFileName { continue }
            if let data = FileManager.default.contents(atPath: url.path), data.range(of: needle) != nil {
                found.append(url.path)
            }
        }
        return found
    }

    private static func report(
        records: [RunRecord], health: SchedulerHealth, file: URL, leaked: [String], kept: Bool, io: CommandIO
    ) {
        io.print("")
        io.print("Runs, oldest first:")
        io.print(RunFormatting.table(records.reversed()))
        io.print("")
        io.print("Health:")
        io.print(HealthFormatting.table(health.agents, window: health.window))
        io.print("")
        io.print(
            leaked.isEmpty
                ? "The quota agent's secret API_TOKEN appears nowhere in the logs or the store: it was redacted."
                : "WARNING: the secret was found in \(leaked.joined(separator: ", "))")
        guard kept else { return }
        let config = "--config \(file.path)"
        io.print("")
        io.print("Explore (the files stay in \(file.deletingLastPathComponent().path)):")
        io.print("  agentctl runs \(config) --status failed,timedOut")
        io.print("  agentctl show latest \(config)")
        io.print("  agentctl logs latest \(config)")
        io.print("  agentctl schedules \(config)")
        io.print("  agentctl resume quota \(config)")
        io.print("  agentctl run hello \(config)")
        io.print("  agentctl serve \(config)")
    }

    /// Checks that each agent behaved as the help text says.
    private static func expectations(_ records: [RunRecord], leaked: [String], io: CommandIO) -> Int32 {
        func runs(_ agent: String) -> [RunRecord] { records.filter { $0.agentName.rawValue == agent } }
        var unmet: [String] = []
        if !runs("hello").contains(where: { $0.status == .succeeded }) { unmet.append("hello never succeeded") }
        if !runs("flaky").contains(where: { $0.status == .succeeded && $0.attempt > 1 }) {
            unmet.append("flaky never succeeded on a retry")
        }
        if !runs("slow").contains(where: { $0.status == .timedOut }) { unmet.append("slow never timed out") }
        if !runs("quota").contains(where: { $0.errorClass == .rateLimited }) {
            unmet.append("quota was never classified as rate limited")
        }
        if !leaked.isEmpty { unmet.append("the secret leaked") }
        guard unmet.isEmpty else {
            io.printError("agentctl demo: not as expected: \(unmet.joined(separator: "; "))")
            return ExitCode.failure
        }
        return ExitCode.success
    }
}
