import AgentCore
import Foundation

/// An agent that runs a command-line program: a coding assistant, a docs checker, any script.
///
/// Each run starts the configured command in its own process group with stdin closed, streams its
/// output (secrets redacted, bounded) to `<logRoot>/<agent>/<run-id>/stdout.log` and `stderr.log`, writes
/// `metadata.json` and `summary.txt` (see ``RunLogDirectory``), and maps how it ended onto the run's outcome:
///
/// | The command…                                      | Outcome                                                   |
/// |---------------------------------------------------|-----------------------------------------------------------|
/// | exits 0                                           | succeeded (unless a pattern with `appliesOnSuccess` matches) |
/// | exits non-zero or is killed by a signal           | failed, class of the first matching ``FailurePattern``, else transient; the message names the exit status or signal and the matching (or last) line |
/// | matches a `rateLimited` pattern with a retry-after | failed `rateLimited`, with ``AgentCore/AgentRunResult/retryAfter`` set so the scheduler waits that long before the retry (the record keeps counters and artifacts) |
/// | runs past ``SubprocessConfiguration/timeout``     | its process group gets SIGTERM, then SIGKILL after the grace period; recorded `timedOut` |
/// | is cancelled (shutdown, overlap `replace`)        | the same teardown, then `CancellationError`: recorded `cancelled` |
/// | cannot be started                                 | throws ``SubprocessError`` (permanent for a missing executable) |
///
/// No process of the group survives a timeout or cancellation, and processes the command leaves running
/// in its group when it exits get SIGTERM, then SIGKILL once its output closes or the grace period ends.
/// (A process that leaves the group with `setsid` is beyond reach, as with any process supervisor.)
///
/// Waiting never blocks Swift's cooperative thread pool: the exit is collected and the output read on
/// dedicated threads, and timeouts and grace periods are measured on the run context's clock.
///
/// ```swift
/// let agent = try SubprocessAgent(
///     name: "nightly-docs",
///     configuration: SubprocessConfiguration(
///         executable: "/bin/sh", arguments: ["-c", "make docs"], logRoot: logs),
///     parentEnvironment: ProcessInfo.processInfo.environment,
///     schedule: .cron("30 2 * * *", timeZone: "Europe/Berlin"))
/// let execution = try await orchestrator.execute(AgentRunRequest(agent: agent.name), agent: agent)
/// try await agent.logDirectory(for: execution.record.id).writeMetadata(
///     execution.record, redacting: agent.secretValues)
/// ```
public struct SubprocessAgent: AgentDefinition {
    /// The agent's name; also the directory under the log root.
    public let name: AgentName
    /// What to run and how.
    public let configuration: SubprocessConfiguration
    /// The environment the child inherits from (unless ``SubprocessEnvironment/inheritsParent`` is `false`).
    public let parentEnvironment: [String: String]
    /// When it runs by itself.
    public let schedule: ScheduleConfiguration
    /// Whether the scheduler runs it.
    public let isEnabled: Bool
    /// Who is responsible for it.
    public let owner: OwnerMetadata
    /// The policy as given, before the configuration's timeout is applied (see ``policy``).
    public let basePolicy: RunPolicy
    let classifier: OutputClassifier

    /// Creates an agent and checks its configuration.
    /// - Parameters:
    ///   - name: The agent's name.
    ///   - configuration: What to run and how.
    ///   - parentEnvironment: The variables to inherit; pass `ProcessInfo.processInfo.environment` (the
    ///     library never reads the process environment itself).
    ///   - schedule: When it runs (default: manual runs only).
    ///   - policy: Retry, priority, overlap and other policy; its timeout is replaced by the configuration's.
    ///   - owner: Who is responsible for it.
    ///   - isEnabled: Whether the scheduler runs it.
    /// - Throws: ``SubprocessError`` when the configuration is invalid (see ``SubprocessConfiguration/validate()``).
    public init(
        name: AgentName, configuration: SubprocessConfiguration, parentEnvironment: [String: String],
        schedule: ScheduleConfiguration = .manualOnly, policy: RunPolicy = .default,
        owner: OwnerMetadata = OwnerMetadata(), isEnabled: Bool = true
    ) throws(SubprocessError) {
        try configuration.validate()
        self.name = name
        self.configuration = configuration
        self.parentEnvironment = parentEnvironment
        self.schedule = schedule
        self.isEnabled = isEnabled
        self.owner = owner
        self.basePolicy = policy
        self.classifier = try OutputClassifier(patterns: configuration.failurePatterns)
    }

    /// The run policy: ``basePolicy`` with ``SubprocessConfiguration/timeout`` as its timeout, and a
    /// cancellation grace period of at least ``terminationGracePeriod`` + 2 s, so the orchestrator waits
    /// for the process group to be killed and the logs to be written before it records the run.
    public var policy: RunPolicy {
        var policy = basePolicy
        policy.timeout = configuration.timeout
        let needed = terminationGracePeriod + .seconds(2)
        if policy.cancellationGracePeriod < needed { policy.cancellationGracePeriod = needed }
        return policy
    }

    /// How long the process group gets between SIGTERM and SIGKILL: the configured value, or half of the
    /// base policy's cancellation grace period.
    public var terminationGracePeriod: Duration {
        configuration.terminationGracePeriod ?? basePolicy.cancellationGracePeriod / 2
    }

    /// The values that are never written anywhere (pass them to ``RunLogDirectory/writeMetadata(_:redacting:)``).
    public var secretValues: [String] {
        configuration.environment.secretValues(parent: parentEnvironment)
    }

    /// The log directory of one of this agent's runs.
    /// - Parameter runID: The run.
    /// - Returns: `<logRoot>/<name>/<runID>/`, or `<agentLogDirectory>/<runID>/` when that is configured.
    public func logDirectory(for runID: RunID) -> RunLogDirectory {
        if let parent = configuration.agentLogDirectory {
            return RunLogDirectory(agentDirectory: parent, agent: name, runID: runID)
        }
        return RunLogDirectory(root: configuration.logRoot, agent: name, runID: runID)
    }
}
