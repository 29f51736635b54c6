import AgentCore
import AgentScheduling
import AgentStorage
import Foundation

/// `agentctl run AGENT`: one manual run, now, in this process.
enum RunCommand: AgentCommand {
    static let name = "run"
    static let summary = "Run an agent once now and print its record (exit 0/1/10/11 by outcome)"
    static let help = """
        USAGE: agentctl run <agent> [--param KEY=VALUE]... [--params JSON] [--date YYYY-MM-DD] [--key KEY]
                            [--wait] [--follow] [--json]
               agentctl run --task TASK --agent TOOL [options]

        Runs the agent's command once, now, in this process, through the same life cycle as scheduled runs
        (atomic claim, lease, timeout, one terminal record in the store, logs in <logs>/<agent>/<run-id>/), then
        prints the record. Works beside a running 'agentctl serve' on the same store. A manual run makes one
        attempt (the agent's retry policy applies to scheduled runs) and runs even when the agent is paused or
        disabled. Ctrl-C stops the command's whole process group and records the run as cancelled.

        The command sees the run in environment variables: AGENTCTL_RUN_ID, AGENTCTL_TRIGGER=manual,
        AGENTCTL_PARAMETERS (JSON), AGENTCTL_PARAM_<NAME> for each parameter, AGENTCTL_BUSINESS_DATE,
        AGENTCTL_LOG_DIR (see Docs/CLI.md).

        With --task and --agent, runs a coding task with a coding tool (the agent TASK.TOOL; see 'agentctl tasks',
        'agentctl tools' and Docs/CodingAgents.md); its logs go to <logs>/<task>/<tool>/<run-id>/.

        OPTIONS:
          --task TASK       The coding task to run (with --agent)
          --agent TOOL      The coding tool that runs it (codex, claude, gemini, kilo, ollama, opencode, qwen, …)
          --param KEY=VALUE Add a string parameter (repeatable)
          --params JSON     Parameters as a JSON object, for numbers and nesting: --params '{"limit": 5}'
          --date DATE       The business date the run is about (YYYY-MM-DD)
          --key KEY         An idempotency key. Without it every invocation is a new run. With it, a run whose
                            key already succeeded is not run again: its record is printed and the exit status is 0
          --wait            When a run with the same --key is in progress elsewhere, wait for it to end and
                            report its outcome (without --wait: report it and exit 1)
          --follow          Print the command's output lines to stderr while it runs
          --json            Print the record as one JSON object instead of text
        \(CommandContext.configHelp)

        EXAMPLES:
          agentctl run nightly-review
          agentctl run docs-check --param repo=api --param branch=main --follow
          agentctl run report --date 2026-05-01 --key report-2026-05-01
          agentctl run --task debug_hello_simple --agent kilo

        EXIT STATUS:
          0   the run succeeded (or found nothing to do), or its --key had already succeeded
          1   the run failed, was cancelled or abandoned, or its --key is in progress elsewhere
          2   usage or configuration error (unknown agent, bad parameters, unset fromEnv variable)
          10  the run was rate limited (a failure pattern with "class": "rateLimited" matched)
          11  the run timed out (its process group was stopped)
        """

    static func run(_ arguments: [String], io: CommandIO) async -> Int32 {
        guard
            let parsed = parse(
                arguments, io: io,
                options: ["param", "params", "date", "key", "task", "agent", CommandContext.configOption],
                flags: ["wait", "follow", "json"])
        else { return helpRequested(arguments) ? ExitCode.success : ExitCode.usage }
        func usage(_ message: String) -> Int32 {
            io.printError("agentctl run: \(message)")
            return ExitCode.usage
        }
        let agentName: String
        switch (parsed.value("task"), parsed.value("agent"), parsed.positionals.first) {
        case (let task?, let tool?, nil) where parsed.positionals.isEmpty:
            agentName = CodingConfiguration.agentName(task: task, tool: tool)
        case (.some, nil, _), (nil, .some, _):
            return usage(
                "--task and --agent go together, for example: agentctl run --task document_coverage --agent claude")
        case (nil, nil, let name?) where parsed.positionals.count == 1:
            agentName = name
        default:
            return usage("name one agent, for example: agentctl run nightly-review (or --task T --agent A)")
        }
        let parameters: JSONValue
        switch Self.parameters(parsed) {
        case .success(let value): parameters = value
        case .failure(let error): return usage(error.message)
        }
        var businessDate: BusinessDate?
        if let text = parsed.value("date") {
            do {
                businessDate = try BusinessDate(text)
            } catch {
                return usage("--date: \(error)")
            }
        }
        let key: IdempotencyKey
        do {
            key = try IdempotencyKey(parsed.value("key") ?? "manual:" + UUID().uuidString.lowercased())
        } catch {
            return usage("--key: \(error)")
        }
        let setup: ManualRunSetup
        switch await ManualRunSetup.prepare(parsed, agent: agentName, command: name, io: io) {
        case .ready(let ready): setup = ready
        case .failed(let status): return status
        }
        let (agent, store, hooks, events, orchestrator) = (
            setup.agent, setup.store, setup.hooks, setup.events, setup.orchestrator
        )
        let follower = parsed.has("follow") ? follow(events, io: io) : nil
        let request = AgentRunRequest(
            agent: agent.name, trigger: .manual, parameters: parameters, businessDate: businessDate,
            idempotencyKey: key)
        let execution: RunExecution
        do {
            execution = try await SignalTrap.cancellingOnSignal(io: io, command: name) {
                try await orchestrator.execute(request, agent: agent)
            }
        } catch {
            io.printError("agentctl run: \(error)")
            return ExitCode.failure
        }
        var record = execution.record
        if execution.disposition == .executed {
            await hooks.finish(io: io)
            // Webhooks may have stored notifiedAt since.
            if let stored = try? await store.run(id: record.id) { record = stored }
        }
        events.finish()
        await follower?.value
        switch execution.disposition {
        case .executed:
            break
        case .duplicate:
            io.printError(
                "agentctl run: not run again: run \(record.id) with the key \"\(key)\" already ended \(record.status).")
        case .inProgress:
            guard parsed.has("wait") else {
                io.printError(
                    "agentctl run: run \(record.id) with the key \"\(key)\" is in progress (\(record.leaseOwner ?? "another process")); "
                        + "pass --wait to wait for it")
                return ExitCode.failure
            }
            io.printError(
                "agentctl run: waiting for run \(record.id) (\(record.leaseOwner ?? "another process")) to end…")
            do {
                // Follows the store's change feed: the run's end wakes this wait (no polling); a signal stops it.
                let id = record.id
                record = try await SignalTrap.cancellingOnSignal(io: io, command: name) {
                    try await RunnerControl(store: store).waitForEnd(of: id, timeout: nil)
                }
            } catch {
                io.printError("agentctl run: \(error)")
                return ExitCode.failure
            }
        }
        if parsed.has("json") {
            do {
                io.print(try JSONLines.encode(record))
            } catch {
                io.printError("agentctl run: \(error)")
                return ExitCode.failure
            }
        } else {
            io.print(RunFormatting.details(record, logDirectory: agent.base.logDirectory(for: record.id).existingPath))
        }
        return exitStatus(for: record)
    }

    /// The exit status for a run's record: 0 success, 10 rate limited, 11 timed out, 1 anything else.
    static func exitStatus(for record: RunRecord) -> Int32 {
        if record.status.isSuccess { return ExitCode.success }
        if record.status == .timedOut || record.errorClass == .timeout { return ExitCode.timedOut }
        if record.errorClass == .rateLimited { return ExitCode.rateLimited }
        return ExitCode.failure
    }

    /// `--param k=v` (strings) merged over `--params JSON`.
    static func parameters(_ parsed: ParsedArguments) -> Result<JSONValue, UsageError> {
        var object: [String: JSONValue] = [:]
        if let text = parsed.value("params") {
            guard case .object(let members)? = try? JSONValue.parse(text) else {
                return .failure(UsageError("--params must be a JSON object such as '{\"limit\": 5}', got \(text)"))
            }
            object = members
        }
        for pair in parsed.values("param") {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                return .failure(UsageError("--param takes KEY=VALUE, got \"\(pair)\""))
            }
            object[String(pair[..<equals])] = .string(String(pair[pair.index(after: equals)...]))
        }
        return .success(.object(object))
    }

    /// Prints the agent's log lines to stderr as they arrive.
    private static func follow(_ events: EventBroadcaster, io: CommandIO) -> Task<Void, Never> {
        let stream = events.subscribe()
        return Task {
            for await event in stream where event.kind == .runLog {
                io.printError(event.message ?? "")
            }
        }
    }
}
