import AgentCore
import AgentScheduling
import Foundation

/// One agent of `agentctl.json`: a command-line program with its schedule and policies.
///
/// This is the configuration as written (validated); ``AgentFactory`` turns it into a runnable library agent.
struct AgentConfiguration: Sendable {
    var name: AgentName
    var executable: String
    var arguments: [String]
    /// Variables set (or, with `nil`, removed) for the program, in file order.
    var environment: [(name: String, value: ConfigValue?)]
    /// Whether the program starts from agentctl's environment (default `true`).
    var inheritsEnvironment: Bool
    /// The program's working directory, absolute (relative paths were resolved against the config file).
    var workingDirectory: String?
    var schedule: ScheduleConfiguration
    /// The run time limit; `nil` uses the default (15 minutes, or `AGENTCTL_TIMEOUT_SECONDS`).
    var timeout: Duration?
    /// How long the program gets between SIGTERM and SIGKILL on timeout or cancellation.
    var terminationGracePeriod: Duration?
    /// The most output bytes kept per stream.
    var maximumOutputBytes: Int?
    var retry: RetryPolicy
    var priority: RunPriority
    var overlap: OverlapPolicy
    var misfire: MisfirePolicy
    /// Pause after this many consecutive failed runs; `nil` never pauses.
    var autoPauseAfterConsecutiveFailures: Int?
    var isEnabled: Bool
    var owner: OwnerMetadata
    var failurePatterns: [FailurePattern]
    /// The webhooks written inside this agent (they are for it only).
    var notifications: [NotificationConfiguration]

    /// The run policy the library enforces.
    var policy: RunPolicy {
        var policy = RunPolicy(
            priority: priority, overlap: overlap, retry: retry, misfire: misfire,
            autoPauseAfterConsecutiveFailures: autoPauseAfterConsecutiveFailures)
        if let timeout { policy.timeout = timeout }
        return policy
    }

    /// The command line as one string, for people (secrets never appear in arguments).
    var commandLine: String {
        ([executable] + arguments).map { argument in
            argument.contains(where: { $0 == " " || $0 == "\"" || $0 == "'" }) ? "'\(argument)'" : argument
        }.joined(separator: " ")
    }
}
