import AgentCore
import AgentStorage
import Foundation

/// `agentctl runs`: lists run records, newest first, a page at a time.
enum RunsCommand: AgentCommand {
    static let name = "runs"
    static let summary = "List runs, newest first, with filters and paging (table, JSON or CSV)"
    static let help = """
        USAGE: agentctl runs [--agent NAME] [--status S]... [--since TIME] [--limit N] [--cursor C] [--json|--csv]

        Lists run records from the store, newest first. When more runs match than --limit, the command ends with
        the cursor of the next page; pass it back with --cursor to continue.

        OPTIONS:
          --agent NAME      Only this agent's runs
          --status S        Only runs with this status (repeat, or separate with commas): queued, running,
                            succeeded, failed, noOp, cancelled, timedOut, skipped, awaitingApproval, abandoned,
                            rejected
          --since TIME      Only runs queued at or after TIME: 2026-05-01T08:00:00Z, 2026-05-01T10:00 or
                            2026-05-01 (local time), or a duration back from now such as 24h or 7d
          --limit N         Runs per page, 1-10000 (default 20)
          --cursor C        Continue after the page that printed this cursor
          --json            Print {"runs": [records…], "nextCursor": "…"} (nextCursor absent on the last page)
          --csv             Print RFC 4180 CSV with a header row; the next cursor goes to stderr
        \(CommandContext.configHelp)

        Without a configuration file the store of AGENTCTL_HOME (or ./.agentctl) is read.

        EXAMPLES:
          agentctl runs --agent nightly-review --status failed,timedOut --since 7d
          agentctl runs --csv --limit 10000 > runs.csv
          agentctl runs --json | jq -r '.runs[] | [.id, .status] | @tsv'

        EXIT STATUS: 0 on success, 1 when the store cannot be read, 2 for bad options.
        """

    static func run(_ arguments: [String], io: CommandIO) async -> Int32 {
        guard
            let parsed = parse(
                arguments, io: io,
                options: ["agent", "status", "since", "limit", "cursor", CommandContext.configOption],
                flags: ["json", "csv"])
        else { return helpRequested(arguments) ? ExitCode.success : ExitCode.usage }
        func usage(_ message: String) -> Int32 {
            io.printError("agentctl runs: \(message)")
            return ExitCode.usage
        }
        guard parsed.positionals.isEmpty else { return usage("unexpected argument '\(parsed.positionals[0])'") }
        guard !(parsed.has("json") && parsed.has("csv")) else { return usage("choose one of --json and --csv") }
        var query = RunQuery(limit: 20)
        do {
            query.limit = try parsed.integer("limit", default: 20, range: 1...RunQuery.maximumLimit)
        } catch {
            return usage(error.message)
        }
        if let agent = parsed.value("agent") {
            do {
                query.agent = try AgentName(agent)
            } catch {
                return usage("--agent: \(error)")
            }
        }
        let statusNames = parsed.values("status").flatMap { $0.split(separator: ",") }.map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        if !statusNames.isEmpty {
            var statuses = Set<RunStatus>()
            for name in statusNames {
                guard let status = RunStatus(rawValue: name) else {
                    return usage(
                        "--status: unknown status \"\(name)\"; use one of "
                            + RunStatus.allCases.map(\.rawValue).joined(separator: ", "))
                }
                statuses.insert(status)
            }
            query.statuses = statuses
        }
        if let since = parsed.value("since") {
            guard let date = TimeArgument.parse(since, now: Date()) else {
                return usage("--since: \"\(since)\" is not \(TimeArgument.expected)")
            }
            query.queuedSince = date
        }
        if let cursor = parsed.value("cursor") { query.cursor = RunCursor(token: cursor) }
        guard let context = CommandContext.load(parsed, command: name, io: io, fileRequired: false) else {
            return ExitCode.usage
        }
        guard let store = await context.openStore(forScheduling: false, command: name, io: io) else {
            return ExitCode.failure
        }
        do {
            if parsed.has("csv") {
                let page = try await store.queryRuns(query)
                io.write(RunCSVFormat.document(page.records))
                if let next = page.nextCursor { io.printError("next page: --cursor \(next.token)") }
                return ExitCode.success
            }
            let page = try await store.queryRuns(query)
            if parsed.has("json") {
                io.print(try JSONLines.encode(Page(runs: page.records, nextCursor: page.nextCursor?.token)))
                return ExitCode.success
            }
            if page.records.isEmpty {
                io.print(query.cursor == nil ? "No runs match." : "No more runs.")
                return ExitCode.success
            }
            io.print(RunFormatting.table(page.records))
            if let next = page.nextCursor {
                io.print("")
                io.print("More runs: add --cursor \(next.token)")
            }
            return ExitCode.success
        } catch let error as StoreError where error.code == .invalidCursor || error.code == .invalidQuery {
            return usage(error.message)
        } catch {
            io.printError("agentctl runs: \(error)")
            return ExitCode.failure
        }
    }

    /// The `--json` shape.
    struct Page: Encodable {
        var runs: [RunRecord]
        var nextCursor: String?
    }
}
