import AgentCore
import AgentScheduling
import AgentStorage

/// What `run` and `backfill` set up to run one configured agent in this process: the agent, the store, and an
/// orchestrator whose events feed the run hooks (final `metadata.json`, webhooks).
struct ManualRunSetup {
    var agent: ConfiguredAgent
    var store: any CommandStore
    var hooks: RunHooks
    var events: EventBroadcaster
    var orchestrator: Orchestrator

    /// The outcome of ``prepare(_:agent:command:io:)``.
    enum Outcome {
        case ready(ManualRunSetup)
        /// The reason was printed; exit with this status.
        case failed(Int32)
    }

    /// Loads the configuration, builds the named agent and its webhooks, and opens the store.
    static func prepare(_ parsed: ParsedArguments, agent name: String, command: String, io: CommandIO) async -> Outcome
    {
        guard let context = CommandContext.load(parsed, command: command, io: io, fileRequired: true),
            let configuration = context.agent(name, command: command, io: io),
            let runnable = context.runnable([configuration.name.rawValue], command: command, io: io),
            let agent = runnable.agents.first
        else { return .failed(ExitCode.usage) }
        guard let store = await context.openStore(forScheduling: false, command: command, io: io) else {
            return .failed(ExitCode.failure)
        }
        let hooks: RunHooks
        do {
            hooks = try RunHooks(store: store, runnable: runnable)
        } catch {
            io.printError("agentctl \(command): \(error.message)")
            return .failed(ExitCode.usage)
        }
        let events = EventBroadcaster()
        hooks.attach(to: events)
        return .ready(
            ManualRunSetup(
                agent: agent, store: store, hooks: hooks, events: events,
                orchestrator: Orchestrator(store: store, events: events)))
    }
}
