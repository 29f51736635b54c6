import AgentCore
import Foundation

/// How to run one command: what to execute, with which environment and where, how long it may take,
/// how much output is kept, where its logs go and how its output classifies failures.
///
/// The command is an executable and an argument array; no shell is involved unless you write one
/// (`executable: "/bin/sh", arguments: ["-c", "make docs && git push"]`). An executable without a `/` is
/// looked up in the `PATH` of the child's environment; a relative path with a `/` is relative to the
/// working directory.
///
/// ```swift
/// var configuration = SubprocessConfiguration(
///     executable: "claude", arguments: ["-p", "update the docs"],
///     logRoot: URL(fileURLWithPath: "/var/lib/agentctl/logs"))
/// configuration.environment.set("ANTHROPIC_API_KEY", to: key, secret: true)
/// configuration.failurePatterns = [FailurePattern("usage limit", class: .rateLimited)]
/// configuration.timeout = try SubprocessConfiguration.timeout(
///     explicit: nil, environment: ProcessInfo.processInfo.environment)
/// ```
public struct SubprocessConfiguration: Sendable, Hashable {
    /// The default time limit: 15 minutes.
    public static let defaultTimeout: Duration = .seconds(900)
    /// The environment variable that replaces ``defaultTimeout``: `AGENTCTL_TIMEOUT_SECONDS`.
    public static let timeoutEnvironmentVariable = "AGENTCTL_TIMEOUT_SECONDS"
    /// The default bound on each of standard output and standard error kept on disk: 16 MiB.
    public static let defaultMaximumOutputBytes = 16 << 20

    /// The program: an absolute path, a path relative to the working directory, or a name looked up in `PATH`.
    public var executable: String
    /// The arguments, passed as they are (no shell expansion).
    public var arguments: [String]
    /// The environment: inherited variables, overrides and secrets.
    public var environment: SubprocessEnvironment
    /// The directory the command runs in (`nil`: the current directory of this process).
    public var workingDirectory: URL?
    /// The longest a run may take; becomes the agent's ``AgentCore/RunPolicy/timeout``.
    public var timeout: Duration
    /// How long the process group gets between SIGTERM and SIGKILL after a timeout or cancellation
    /// (`nil`: half of the policy's ``AgentCore/RunPolicy/cancellationGracePeriod``, 5 s by default).
    public var terminationGracePeriod: Duration?
    /// The most bytes of each of standard output and standard error written to the log files; the
    /// command's further output is read and discarded, and the truncation is noted in the file and the record.
    public var maximumOutputBytes: Int
    /// The directory under which each run gets `<agent>/<run-id>/`.
    public var logRoot: URL
    /// The rules that classify failures by output, first match wins (see ``FailurePattern``).
    public var failurePatterns: [FailurePattern]
    /// A regular expression whose first match on a successful run's output (a pull-request URL) ends the run
    /// ``AgentCore/RunStatus/awaitingApproval`` with the match as its `outputsURI`; `nil` for none.
    public var approvalPattern: String? = nil
    /// How many first output lines the run record keeps (default 10; they are also logged as they arrive).
    public var excerptHeadLines: Int
    /// How many last output lines the run record keeps (default 20).
    public var excerptTailLines: Int
    /// Whether each run also writes `transcript.log`: standard output and standard error interleaved in the
    /// order their lines arrived, each line prefixed with `[stdout] ` or `[stderr] ` (bounded by
    /// ``maximumOutputBytes``; lines longer than 4 KiB are clipped there, the stream logs keep them whole).
    public var writesTranscript = false
    /// A file whose content becomes the command's standard input (`nil`: `/dev/null`).
    public var standardInput: URL? = nil
    /// The directory that holds this agent's run directories (`nil`: `<logRoot>/<agent>/`); coding-task runs use
    /// `<logs>/<task>/<tool>/`.
    public var agentLogDirectory: URL? = nil

    /// Creates a configuration.
    /// - Parameters:
    ///   - executable: The program.
    ///   - arguments: Its arguments.
    ///   - environment: Its environment (default: inherit the parent's, no overrides).
    ///   - workingDirectory: Where it runs (default: this process's current directory).
    ///   - timeout: The time limit (default ``defaultTimeout``; see ``timeout(explicit:environment:)``).
    ///   - terminationGracePeriod: The SIGTERM-to-SIGKILL grace (default: half the policy's grace period).
    ///   - maximumOutputBytes: The bound per output stream (default ``defaultMaximumOutputBytes``).
    ///   - logRoot: Where run directories are created.
    ///   - failurePatterns: Output-based classification rules.
    ///   - excerptHeadLines: First lines kept in the record.
    ///   - excerptTailLines: Last lines kept in the record.
    public init(
        executable: String, arguments: [String] = [], environment: SubprocessEnvironment = SubprocessEnvironment(),
        workingDirectory: URL? = nil, timeout: Duration = Self.defaultTimeout,
        terminationGracePeriod: Duration? = nil, maximumOutputBytes: Int = Self.defaultMaximumOutputBytes,
        logRoot: URL, failurePatterns: [FailurePattern] = [], excerptHeadLines: Int = 10, excerptTailLines: Int = 20
    ) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.timeout = timeout
        self.terminationGracePeriod = terminationGracePeriod
        self.maximumOutputBytes = maximumOutputBytes
        self.logRoot = logRoot
        self.failurePatterns = failurePatterns
        self.excerptHeadLines = excerptHeadLines
        self.excerptTailLines = excerptTailLines
    }

    /// Resolves a timeout: an explicit value wins, then `AGENTCTL_TIMEOUT_SECONDS` from `environment`, then
    /// ``defaultTimeout``.
    /// - Parameters:
    ///   - explicit: The timeout configured for the agent, if any.
    ///   - environment: The environment to read `AGENTCTL_TIMEOUT_SECONDS` from (inject it; the library
    ///     never reads the process environment itself).
    /// - Returns: The timeout.
    /// - Throws: ``SubprocessError`` with ``SubprocessError/Code/invalidTimeout`` when the explicit value is not
    ///   positive or the variable is not a positive number of seconds.
    public static func timeout(
        explicit: Duration?, environment: [String: String]
    ) throws(SubprocessError) -> Duration {
        if let explicit {
            guard explicit > .zero else {
                throw SubprocessError(.invalidTimeout, "the timeout must be positive; it is \(explicit)")
            }
            return explicit
        }
        guard let text = environment[timeoutEnvironmentVariable] else { return defaultTimeout }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let seconds = Double(trimmed), seconds.isFinite, seconds > 0, seconds <= 31_536_000 else {
            throw SubprocessError(
                .invalidTimeout,
                "\(timeoutEnvironmentVariable)=\"\(text)\" is not a positive number of seconds (at most a year); set it to, for example, 300, or unset it for the 15-minute default"
            )
        }
        return .interval(seconds)
    }

    /// Checks every value: a non-empty executable, arguments without NUL bytes, a valid environment,
    /// positive time limits and bounds, and compilable failure patterns.
    /// - Throws: ``SubprocessError`` naming the first bad value and how to fix it.
    public func validate() throws(SubprocessError) {
        guard !executable.isEmpty, !executable.utf8.contains(0) else {
            throw SubprocessError(
                .invalidConfiguration, "the executable is empty or contains a NUL byte; name a program to run")
        }
        for (index, argument) in arguments.enumerated() where argument.utf8.contains(0) {
            throw SubprocessError(.invalidConfiguration, "argument \(index) contains a NUL byte; remove it")
        }
        try environment.validate()
        guard timeout > .zero else {
            throw SubprocessError(.invalidTimeout, "the timeout must be positive; it is \(timeout)")
        }
        if let terminationGracePeriod, terminationGracePeriod < .zero {
            throw SubprocessError(.invalidConfiguration, "the termination grace period must not be negative")
        }
        guard maximumOutputBytes > 0 else {
            throw SubprocessError(
                .invalidConfiguration,
                "maximumOutputBytes must be positive (it is \(maximumOutputBytes)); for example 16777216 for 16 MiB")
        }
        guard excerptHeadLines >= 0, excerptTailLines >= 0, excerptHeadLines + excerptTailLines <= 36 else {
            throw SubprocessError(
                .invalidConfiguration,
                "excerpt lines must be non-negative and at most 36 together (head \(excerptHeadLines), tail \(excerptTailLines)); the record keeps at most 40 log lines"
            )
        }
        guard logRoot.isFileURL else {
            throw SubprocessError(.invalidConfiguration, "the log root \(logRoot) is not a file URL")
        }
        for pattern in failurePatterns { try pattern.validate() }
    }
}
