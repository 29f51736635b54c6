import AgentCore
import Foundation

/// One agent of `agentctl.json`: a command-line program with its schedule and policies.
///
/// This is the configuration as written (validated); ``AgentFactory`` turns it into a runnable library agent.
public struct AgentConfiguration: Sendable {
    /// The agent's name.
    public var name: AgentName
    /// The program to run (a path, or a name looked up on `PATH`).
    public var executable: String
    /// The program's arguments.
    public var arguments: [String]
    /// Variables set (or, with `nil`, removed) for the program, in file order.
    public var environment: [(name: String, value: ConfigValue?)]
    /// Whether the program starts from agentctl's environment (default `true`).
    public var inheritsEnvironment: Bool
    /// The program's working directory, absolute (relative paths were resolved against the config file).
    public var workingDirectory: String?
    /// When it runs.
    public var schedule: ScheduleConfiguration
    /// The run time limit; `nil` uses the default (15 minutes, or `AGENTCTL_TIMEOUT_SECONDS`).
    public var timeout: Duration?
    /// How long the program gets between SIGTERM and SIGKILL on timeout or cancellation.
    public var terminationGracePeriod: Duration?
    /// The most output bytes kept per stream.
    public var maximumOutputBytes: Int?
    /// How failed runs are retried.
    public var retry: RetryPolicy
    /// Its priority in the run queue.
    public var priority: RunPriority
    /// What happens when a fire comes while a run is active.
    public var overlap: OverlapPolicy
    /// What happens to fires missed while nothing ran.
    public var misfire: MisfirePolicy
    /// Pause after this many consecutive failed runs; `nil` never pauses.
    public var autoPauseAfterConsecutiveFailures: Int?
    /// Whether it runs on its schedule.
    public var isEnabled: Bool
    /// Who owns it (shown in notifications and health).
    public var owner: OwnerMetadata
    /// Output patterns that classify a failure (for example "usage limit" → rate limited).
    public var failurePatterns: [FailurePattern]
    /// The webhooks written inside this agent (they are for it only).
    public var notifications: [NotificationConfiguration]
    /// How long a run's lease lasts between renewals (`lease`); `nil` uses the default (30 s). Another runner marks
    /// the run of a runner that died `abandoned` once this much time passed without a renewal.
    public var leaseDuration: Duration? = nil
    /// Service-level warnings (`maxDuration`, `mustSucceedBy`); none by default.
    public var serviceLevel: ServiceLevel = .none
    /// A pattern whose first match on a successful run's output (`awaitApprovalOn`, a pull-request URL) ends the run
    /// awaiting approval with the match as its outputs location; `nil` for none.
    public var approvalPattern: String? = nil
    /// For a coding-task pair (`<task>.<tool>`, see ``CodingConfiguration``): which task runs with which tool.
    public var codingTask: CodingTaskSelection? = nil

    /// The run policy the library enforces.
    public var policy: RunPolicy {
        var policy = RunPolicy(
            priority: priority, overlap: overlap, retry: retry, misfire: misfire,
            autoPauseAfterConsecutiveFailures: autoPauseAfterConsecutiveFailures)
        if let timeout { policy.timeout = timeout }
        if let leaseDuration { policy.leaseDuration = leaseDuration }
        policy.serviceLevel = serviceLevel
        return policy
    }

    /// The command line as one string, for people (secrets never appear in arguments).
    public var commandLine: String {
        ([executable] + arguments).map { argument in
            argument.contains(where: { $0 == " " || $0 == "\"" || $0 == "'" }) ? "'\(argument)'" : argument
        }.joined(separator: " ")
    }
}
