import AgentCore
import AgentScheduling
import AgentStorage
import Foundation

/// `agentctl backfill AGENT --from DATE --to DATE`: one run per business date, in this process.
enum BackfillCommand: AgentCommand {
    static let name = "backfill"
    static let summary = "Run an agent once for each business date of a range (dates already done are skipped)"
    static let help = """
        USAGE: agentctl backfill <agent> --from YYYY-MM-DD --to YYYY-MM-DD [--param KEY=VALUE]... [--params JSON]
                                 [--parallel N] [--json]

        Runs the agent once for each date from --from to --to (inclusive), oldest first, in this process. Each
        date is its own run with trigger backfill and its own idempotency key (agent + parameters + date), so a
        date that already succeeded is not run again: repeating a backfill only does what is missing or failed.
        The command sees the date in AGENTCTL_BUSINESS_DATE (and AGENTCTL_TRIGGER=backfill).

        Each date gets one attempt; run the same backfill again to retry the dates that failed. Works beside a
        running 'agentctl serve' on the same store. Ctrl-C stops the running dates (their process groups are
        stopped and they are recorded cancelled) and starts no more.

        OPTIONS:
          --from DATE       The first business date
          --to DATE         The last business date (at most 3660 dates in all)
          --param KEY=VALUE A string parameter of every run (repeatable)
          --params JSON     Parameters as a JSON object
          --parallel N      How many dates run at once, 1-32 (default 1)
          --json            Print one JSON line per date: {"date", "disposition", "record"}
        \(CommandContext.configHelp)

        EXAMPLES:
          agentctl backfill daily-report --from 2026-05-01 --to 2026-05-31
          agentctl backfill daily-report --from 2026-05-01 --to 2026-05-07 --parallel 3

        EXIT STATUS: 0 when every date has succeeded (now or before), 1 when any date failed, timed out or was
        cancelled, 2 for bad usage or configuration.
        """

    /// The most dates one backfill may cover (as the scheduler's default limit).
    static let maximumDates = 3660

    static func run(_ arguments: [String], io: CommandIO) async -> Int32 {
        guard
            let parsed = parse(
                arguments, io: io,
                options: ["from", "to", "param", "params", "parallel", CommandContext.configOption], flags: ["json"])
        else { return helpRequested(arguments) ? ExitCode.success : ExitCode.usage }
        func usage(_ message: String) -> Int32 {
            io.printError("agentctl backfill: \(message)")
            return ExitCode.usage
        }
        guard parsed.positionals.count == 1, let agentName = parsed.positionals.first else {
            return usage(
                "name one agent, for example: agentctl backfill daily-report --from 2026-05-01 --to 2026-05-07")
        }
        guard let fromText = parsed.value("from"), let toText = parsed.value("to") else {
            return usage("give the range with --from YYYY-MM-DD --to YYYY-MM-DD")
        }
        let first: BusinessDate
        let last: BusinessDate
        do {
            first = try BusinessDate(fromText)
            last = try BusinessDate(toText)
        } catch {
            return usage(error.description)
        }
        guard first <= last else { return usage("--from \(first) is after --to \(last); give the earlier date first") }
        let count = Int(last.dayNumber - first.dayNumber) + 1
        guard count <= maximumDates else {
            return usage("the range has \(count) dates; at most \(maximumDates) are allowed in one backfill")
        }
        let parallelism: Int
        do {
            parallelism = try parsed.integer("parallel", default: 1, range: 1...32)
        } catch {
            return usage(error.message)
        }
        let parameters: JSONValue
        switch RunCommand.parameters(parsed) {
        case .success(let value): parameters = value
        case .failure(let error): return usage(error.message)
        }
        let setup: ManualRunSetup
        switch await ManualRunSetup.prepare(parsed, agent: agentName, command: name, io: io) {
        case .ready(let ready): setup = ready
        case .failed(let status): return status
        }
        let (agent, hooks, orchestrator) = (setup.agent, setup.hooks, setup.orchestrator)
        let dates = (0..<count).map { first.adding(days: $0) }
        let json = parsed.has("json")
        if !json {
            io.print("Backfilling \(agent.name) for \(count) date\(count == 1 ? "" : "s") (\(first) to \(last))…")
        }
        let outcomes: [Outcome]
        do {
            outcomes = try await SignalTrap.cancellingOnSignal(io: io, command: name) {
                await execute(
                    dates, agent: agent, parameters: parameters, parallelism: parallelism,
                    orchestrator: orchestrator, io: io, json: json)
            }
        } catch {
            io.printError("agentctl backfill: \(error)")
            return ExitCode.failure
        }
        await hooks.finish(io: io)
        let done = outcomes.filter { $0.execution?.record.status.isSuccess == true }.count
        if !json {
            io.print("")
            io.print("\(done) of \(count) dates done; \(count - done) not.")
            if done < count { io.print("Run the same command again to retry the dates that are not done.") }
        }
        return done == count ? ExitCode.success : ExitCode.failure
    }

    /// One date's outcome.
    struct Outcome: Sendable {
        var date: BusinessDate
        /// The execution, or `nil` when the date did not start (cancelled before, or the store failed).
        var execution: RunExecution?
        var error: String?
    }

    /// Runs the dates, at most `parallelism` at once, printing each as it ends; stops starting dates when
    /// cancelled.
    private static func execute(
        _ dates: [BusinessDate], agent: ConfiguredAgent, parameters: JSONValue, parallelism: Int,
        orchestrator: Orchestrator, io: CommandIO, json: Bool
    ) async -> [Outcome] {
        await withTaskGroup(of: Outcome.self) { group in
            var outcomes: [Outcome] = []
            var next = 0
            func startNext() {
                guard next < dates.count, !Task.isCancelled else { return }
                let date = dates[next]
                next += 1
                group.addTask {
                    let request = AgentRunRequest(agent: agent.name, trigger: .backfill(date), parameters: parameters)
                    do {
                        let execution = try await orchestrator.execute(request, agent: agent)
                        return Outcome(date: date, execution: execution)
                    } catch {
                        return Outcome(date: date, execution: nil, error: "\(error)")
                    }
                }
            }
            for _ in 0..<parallelism { startNext() }
            while let outcome = await group.next() {
                outcomes.append(outcome)
                printOutcome(outcome, io: io, json: json)
                startNext()
            }
            return outcomes.sorted { $0.date < $1.date }
        }
    }

    private static func printOutcome(_ outcome: Outcome, io: CommandIO, json: Bool) {
        guard let execution = outcome.execution else {
            if json {
                io.print(
                    JSONValue.object([
                        "date": .string(outcome.date.description), "disposition": "notStarted",
                        "error": .string(outcome.error ?? "not started"),
                    ]).canonicalText)
            } else {
                io.print("\(outcome.date)  not started  \(outcome.error ?? "")")
            }
            return
        }
        let record = execution.record
        let disposition: String
        switch execution.disposition {
        case .executed: disposition = "executed"
        case .duplicate: disposition = "alreadyDone"
        case .inProgress: disposition = "inProgress"
        }
        if json {
            let recordJSON = (try? JSONLines.encode(record)).flatMap { try? JSONValue.parse($0) } ?? .null
            io.print(
                JSONValue.object([
                    "date": .string(outcome.date.description), "disposition": .string(disposition),
                    "record": recordJSON,
                ]).canonicalText)
            return
        }
        let note: String
        switch execution.disposition {
        case .executed: note = RunFormatting.detail(record)
        case .duplicate: note = "already \(record.status) before"
        case .inProgress: note = "in progress elsewhere (\(record.leaseOwner ?? "another process"))"
        }
        io.print(
            "\(outcome.date)  \(record.id)  \(record.status.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0))  "
                + "\(RunFormatting.duration(record.duration))  \(note)")
    }
}
