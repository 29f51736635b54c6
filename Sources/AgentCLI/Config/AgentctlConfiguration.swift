import AgentCore
import AgentStorage
import Foundation

/// The whole of `agentctl.json`, validated: the agents and the settings of the scheduler, store and logs.
///
/// Load it with ``load(from:environment:)``; build it from text with ``parse(_:file:directory:environment:)``.
/// Every problem of the file is reported at once (``ConfigError``), each with its JSON path.
struct AgentctlConfiguration: Sendable {
    /// The format version this agentctl reads.
    static let currentVersion = 1
    /// The file name used when `--config` is not given.
    static let defaultFileName = "agentctl.json"

    /// The configuration file (absolute).
    var file: URL
    /// The store directory (absolute).
    var storeDirectory: URL
    /// The root of the run log directories (absolute): `<logs>/<agent>/<run-id>/`.
    var logsDirectory: URL
    /// The most runs executing at once, across agents.
    var maximumConcurrentRuns: Int
    /// On shutdown, how long running runs may finish before they are cancelled.
    var shutdownGracePeriod: Duration
    /// The zone of cron schedules that name none.
    var timeZone: String
    /// Which finished runs compaction removes.
    var retention: JSONFileAgentStore.Retention
    /// The agents, in file order.
    var agents: [AgentConfiguration]
    /// Every webhook: the document's, then those written inside agents.
    var notifications: [NotificationConfiguration]

    /// The agent with this name.
    func agent(named name: String) -> AgentConfiguration? {
        agents.first { $0.name.rawValue == name }
    }

    /// The names of every agent, for messages.
    var agentNames: String {
        agents.isEmpty ? "(none)" : agents.map(\.name.rawValue).joined(separator: ", ")
    }

    /// The settings used when there is no configuration file: the store and logs of `AGENTCTL_HOME` (or
    /// `.agentctl/` in the working directory) and no agents; enough for `runs`, `show` and `logs`.
    static func withoutFile(environment: [String: String], currentDirectory: URL) -> AgentctlConfiguration {
        let store = JSONFileAgentStore.defaultDirectory(environment: environment, currentDirectory: currentDirectory)
        return AgentctlConfiguration(
            file: currentDirectory.appendingPathComponent(defaultFileName), storeDirectory: store,
            logsDirectory: store.appendingPathComponent("logs", isDirectory: true), maximumConcurrentRuns: 4,
            shutdownGracePeriod: .seconds(30), timeZone: "UTC", retention: .keepEverything, agents: [],
            notifications: [])
    }
}
