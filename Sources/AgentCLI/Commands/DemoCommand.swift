import AgentCore
import AgentScheduling
import AgentStorage
import Foundation

/// `agentctl demo`: runs the built-in demo agents through the orchestrator on an in-memory store and
/// prints their records. Needs no configuration.
enum DemoCommand: AgentCommand {
    static let name = "demo"
    static let summary = "Run the built-in demo agents and print their records (no config needed)"
    static let help = """
        USAGE: agentctl demo [--json]

        Runs two built-in agents through the full run life cycle on an in-memory store:
          docs-digest   succeeds (and a second request with the same idempotency key is deduplicated)
          report-sync   fails with a permanent, classified error
        then prints the records as a table, or as JSON lines with --json.

        EXIT STATUS: 0 when the demo behaved as expected, 1 otherwise.
        """

    static func run(_ arguments: [String], io: CommandIO) async -> Int32 {
        guard let parsed = parse(arguments, io: io, flags: ["json"]) else {
            return helpRequested(arguments) ? ExitCode.success : ExitCode.usage
        }
        let clock = SystemClock()
        let store = InMemoryAgentStore(clock: clock)
        let events = EventBroadcaster()
        let orchestrator = Orchestrator(store: store, clock: clock, events: events, owner: "agentctl-demo")
        let subscription = events.subscribe()
        let printer = Task {
            var lines: [String] = []
            for await event in subscription { lines.append(describe(event)) }
            return lines
        }
        do {
            let date = try BusinessDate("2026-11-20")
            let digest = AgentRunRequest(agent: DemoAgents.docsDigest.name, businessDate: date)
            let first = try await orchestrator.execute(digest, agent: DemoAgents.docsDigest)
            let repeated = try await orchestrator.execute(digest, agent: DemoAgents.docsDigest)
            let failing = try await orchestrator.execute(
                AgentRunRequest(agent: DemoAgents.reportSync.name, businessDate: date), agent: DemoAgents.reportSync)
            events.finish()
            let eventLines = await printer.value
            let records = try await store.queryRuns(RunQuery(limit: 100)).records
            if parsed.has("json") {
                for record in records { io.print(try JSONLines.encode(record)) }
            } else {
                io.print("Events:")
                for line in eventLines { io.print("  " + line) }
                io.print("")
                io.print("Runs (newest first):")
                io.print(RunFormatting.table(records))
                io.print("")
                io.print(
                    "The second docs-digest request had the same idempotency key, so it was deduplicated: "
                        + "it returned run \(repeated.record.id) instead of running again.")
            }
            let asExpected =
                first.record.status == .succeeded && repeated.disposition == .duplicate
                && failing.record.status == .failed && failing.record.errorClass == .permanent
            return asExpected ? ExitCode.success : ExitCode.failure
        } catch {
            io.printError("agentctl demo: \(error)")
            return ExitCode.failure
        }
    }

    private static func describe(_ event: RunEvent) -> String {
        var line =
            "\(Timestamp.format(event.timestamp))  \(event.kind.rawValue.padding(toLength: 16, withPad: " ", startingAt: 0))"
        if let agent = event.agentName { line += " \(agent)" }
        if let message = event.message { line += "  \(message)" }
        return line
    }
}
