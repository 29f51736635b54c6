import AgentCore
import AgentScheduling
import Foundation

/// `agentctl health`: one line per agent; exit 1 when any agent is failing or paused (for monitoring).
enum HealthCommand: AgentCommand {
    static let name = "health"
    static let summary = "Show each agent's health; exit 1 if any agent is failing or paused"
    static let help = """
        USAGE: agentctl health [--window DURATION] [--json]

        Prints a compact table: per agent its state (ok, failing, paused, disabled, new), the status of its last
        run, its failure streak, how many runs ended in the window and how many succeeded, the median and 95th
        percentile duration, its last success and its next fire. Above it: the runners live on this store
        ('agentctl serve', agent-server, embedding programs). Computed from the store, so it works beside a running serve or without one.

        An agent is failing when its last run failed, timed out or was abandoned, or its failure streak is not
        zero. Use the exit status in monitoring: agentctl health >/dev/null || alert.

        OPTIONS:
          --window DURATION   The window of the run statistics (default 24h), for example 1h or 7d
          --json              Print {"runners": [...], "windowSeconds": …, "healthy": …, "agents": [...]}, and
                              "pipelines": [...] with the figures per pipeline and stage when pipelines are
                              configured (durationP50Seconds, durationP95Seconds, retries, failureClasses,
                              queueDepth, handOffP50Seconds, handOffP95Seconds; see Docs/Pipelines.md)
        \(CommandContext.configHelp)

        EXIT STATUS: 0 when every agent is healthy, 1 when any is failing or paused (or the store cannot be
        read), 2 for bad usage or configuration.
        """

    static func run(_ arguments: [String], io: CommandIO) async -> Int32 {
        guard
            let parsed = parse(arguments, io: io, options: ["window", CommandContext.configOption], flags: ["json"])
        else { return helpRequested(arguments) ? ExitCode.success : ExitCode.usage }
        guard parsed.positionals.isEmpty else {
            io.printError("agentctl health: unexpected argument '\(parsed.positionals[0])'")
            return ExitCode.usage
        }
        guard let window = parsed.positiveDuration("window", default: .seconds(86_400), command: name, io: io) else {
            return ExitCode.usage
        }
        guard let context = CommandContext.load(parsed, command: name, io: io, fileRequired: true) else {
            return ExitCode.usage
        }
        guard let store = await context.openStore(forScheduling: false, command: name, io: io) else {
            return ExitCode.failure
        }
        let agents: [AgentHealth]
        let snapshot: StoreSnapshot
        var pipelines: JSONValue?
        do {
            snapshot = try await StoreSnapshot.take(context.configuration, store: store)
            let grace = context.configuration.runnerOptions(webhooks: [], role: "").effectiveOverdueGracePeriod
            agents = try await snapshot.health(store: store, window: window, overdueGracePeriod: grace)
            let configured = context.configuration.pipelines
            if parsed.has("json"), !configured.isEmpty, let candidates = store as? any PipelineStore {
                let figures = try await PipelineMetrics.figures(of: configured, in: candidates)
                pipelines = try JSONValue.parse(String(decoding: try JSONEncoder().encode(figures), as: UTF8.self))
            }
        } catch {
            io.printError("agentctl health: \(error)")
            return ExitCode.failure
        }
        let unhealthy = agents.filter(HealthFormatting.needsAttention)
        if parsed.has("json") {
            var object: [String: JSONValue] = [
                "runners": .array(snapshot.runners.map(RunFormatting.json)),
                "windowSeconds": .integer(Int64(window.timeInterval)),
                "healthy": .bool(unhealthy.isEmpty), "agents": .array(agents.map(HealthFormatting.json)),
            ]
            if let pipelines { object["pipelines"] = pipelines }
            io.print(JSONValue.object(object).canonicalText)
        } else {
            io.print(RunFormatting.runnersLine(snapshot.runners, store: store.location))
            io.print("")
            io.print(HealthFormatting.table(agents, window: window))
            if !unhealthy.isEmpty {
                io.print("")
                io.print(
                    "\(unhealthy.count) agent\(unhealthy.count == 1 ? " needs" : "s need") attention: "
                        + unhealthy.map(\.name.rawValue).joined(separator: ", ")
                        + ". See 'agentctl runs --agent NAME --status failed,timedOut'; resume paused agents with "
                        + "'agentctl resume NAME'.")
            }
        }
        return unhealthy.isEmpty ? ExitCode.success : ExitCode.failure
    }
}
