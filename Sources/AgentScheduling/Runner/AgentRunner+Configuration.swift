import AgentCore
import Foundation

extension AgentRunner {
    /// Creates a runner from an `agentctl.json` configuration: its agents, webhooks, concurrency limit, shutdown
    /// grace period and misfire threshold. This is how `agentctl serve` and `agent-server` start their runner.
    ///
    /// ```swift
    /// let configuration = try RunnerConfiguration.load(from: URL(filePath: "agentctl.json"))
    /// let store = try await JSONFileAgentStore.open(directory: configuration.storeDirectory)
    /// let runner = try AgentRunner(configuration: configuration, store: store)
    /// try await runner.run()
    /// ```
    /// - Parameters:
    ///   - configuration: The validated configuration.
    ///   - store: The store to run on (normally opened at ``RunnerConfiguration/storeDirectory``).
    ///   - environment: Where `{"fromEnv": …}` values are read from.
    ///   - clock: The clock.
    ///   - events: Where events are published.
    ///   - role: What kind of host this is, shown in presence listings.
    /// - Throws: ``ConfigError`` when an environment variable the file names is unset; ``SchedulerError`` or
    ///   ``NotificationError`` as ``init(agents:store:clock:events:options:)``.
    public convenience init(
        configuration: RunnerConfiguration, store: any AgentStore,
        environment: [String: String] = ProcessInfo.processInfo.environment, clock: any AgentClock = SystemClock(),
        events: EventBroadcaster = EventBroadcaster(), role: String = "runner"
    ) throws {
        let runnable = try configuration.runnable(environment: environment, shownPath: configuration.file.path)
        try self.init(
            agents: runnable.agents, store: store, clock: clock, events: events,
            options: configuration.runnerOptions(webhooks: runnable.webhooks, role: role))
    }
}
