import AgentCore
import Foundation

/// The whole of `agentctl.json`, validated: the agents and the settings of the scheduler, store and logs.
///
/// Load it with ``load(from:environment:)``; build it from text with ``parse(_:file:directory:environment:)``.
/// Every problem of the file is reported at once (``ConfigError``), each with its JSON path.
public struct RunnerConfiguration: Sendable {
    /// The format version this agentctl reads.
    public static let currentVersion = 1
    /// The file name used when `--config` is not given.
    public static let defaultFileName = "agentctl.json"

    /// The configuration file (absolute).
    public var file: URL
    /// The store directory (absolute).
    public var storeDirectory: URL
    /// The root of the run log directories (absolute): `<logs>/<agent>/<run-id>/`.
    public var logsDirectory: URL
    /// The most runs executing at once, across agents.
    public var maximumConcurrentRuns: Int
    /// On shutdown, how long running runs may finish before they are cancelled.
    public var shutdownGracePeriod: Duration
    /// How late a fire may start and still run without its agent's misfire policy (`misfireThreshold`, default
    /// 60 s): fires later than this — after a pause, a restart or a stall — go through the misfire policy.
    public var misfireThreshold: Duration = .seconds(60)
    /// How long after its nominal time a fire with no record is reported overdue (`overdueGracePeriod`); `nil`
    /// uses the larger of the misfire threshold and 5 minutes.
    public var overdueGracePeriod: Duration? = nil
    /// The zone of cron schedules that name none.
    public var timeZone: String
    /// Which finished runs compaction removes.
    public var retention: RunRetention
    /// The agents, in file order.
    public var agents: [AgentConfiguration]
    /// Every webhook: the document's, then those written inside agents.
    public var notifications: [NotificationConfiguration]
    /// The plans (`plans`), validated as DAGs over the configured agents.
    public var plans: [PlanDefinition] = []
    /// The staged pipelines (`pipelines`), validated over the configured agents.
    public var pipelines: [PipelineDefinition] = []
    /// Approval rules per agent (`approvals`); other agents use ``ApprovalPolicy/default``.
    public var approvalPolicies: [AgentName: ApprovalPolicy] = [:]
    /// The coding tools and tasks (`tools`, `tasks`, `taskSchedules`; see Docs/CodingAgents.md).
    public var coding = CodingConfiguration()
    /// How an HTTP host of the runner listens and whom it lets in (the `"server"` section); `nil` when the file
    /// has none.
    public var server: ServerConfiguration? = nil

    /// The settings of a runner started from this configuration.
    /// - Parameters:
    ///   - webhooks: The resolved webhooks (``Runnable/webhooks``).
    ///   - role: What kind of host starts it, shown in presence listings.
    /// - Returns: The runner options: concurrency limit, shutdown grace period, misfire threshold, webhooks.
    public func runnerOptions(webhooks: [WebhookConfiguration], role: String) -> AgentRunner.Options {
        var scheduler = SchedulerConfiguration(
            maximumConcurrentRuns: maximumConcurrentRuns, shutdownGracePeriod: shutdownGracePeriod)
        scheduler.misfireThreshold = misfireThreshold
        var options = AgentRunner.Options(scheduler: scheduler, webhooks: webhooks, role: role)
        options.overdueGracePeriod = overdueGracePeriod
        options.plans = plans
        options.approvalPolicies = approvalPolicies
        return options
    }

    /// The agent with this name.
    public func agent(named name: String) -> AgentConfiguration? {
        agents.first { $0.name.rawValue == name } ?? coding.agentConfiguration(named: name)
    }

    /// The names of every agent, for messages.
    public var agentNames: String {
        agents.isEmpty ? "(none)" : agents.map(\.name.rawValue).joined(separator: ", ")
    }

    /// The settings used when there is no configuration file: the store and logs of `AGENTCTL_HOME` (or
    /// `.agentctl/` in the working directory) and no agents; enough for `runs`, `show` and `logs`.
    public static func withoutFile(environment: [String: String], currentDirectory: URL) -> RunnerConfiguration {
        let store = storeDirectory(environment: environment, currentDirectory: currentDirectory)
        return RunnerConfiguration(
            file: currentDirectory.appendingPathComponent(defaultFileName), storeDirectory: store,
            logsDirectory: store.appendingPathComponent("logs", isDirectory: true), maximumConcurrentRuns: 4,
            shutdownGracePeriod: .seconds(30), timeZone: "UTC", retention: .keepEverything, agents: [],
            notifications: [])
    }

    /// The environment variable that names the store directory when the configuration does not.
    public static let storeEnvironmentVariable = "AGENTCTL_HOME"
    /// The store directory's name in the working directory when nothing else names one.
    public static let defaultStoreDirectoryName = ".agentctl"

    /// Where the store lives: an explicit path if given, else `$AGENTCTL_HOME`, else `.agentctl/` in the
    /// working directory. Relative paths are resolved against `currentDirectory`; a leading `~/` against `$HOME`.
    /// - Parameters:
    ///   - explicitPath: A path the user gave (the file's `store` key); empty means none.
    ///   - environment: The process environment.
    ///   - currentDirectory: The directory relative paths are resolved against.
    /// - Returns: The store directory, standardized.
    public static func storeDirectory(
        explicitPath: String? = nil, environment: [String: String], currentDirectory: URL
    ) -> URL {
        let chosen =
            [explicitPath, environment[storeEnvironmentVariable]].compactMap { $0 }.first { !$0.isEmpty }
            ?? defaultStoreDirectoryName
        return resolve(chosen, against: currentDirectory, environment: environment)
    }
}
