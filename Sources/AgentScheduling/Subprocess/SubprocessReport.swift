import AgentCore
import Foundation

/// What happened to the process of one subprocess run: the command, how it ended, how much it printed
/// and which failure pattern matched. Written to `metadata.json` under the key `process`, next to the run
/// record; every text in it is redacted.
public struct SubprocessReport: Sendable, Hashable, Codable {
    /// What happened to one output stream.
    public struct Output: Sendable, Hashable, Codable {
        /// The log file's name in the run directory (`stdout.log`, `stderr.log`).
        public var file: String
        /// Bytes the command wrote to the stream.
        public var bytesReceived: Int64
        /// Bytes written to the log file (at most the configured bound, plus a truncation note).
        public var bytesWritten: Int64
        /// Whether output was discarded because the bound was reached.
        public var truncated: Bool

        /// Creates an output report.
        /// - Parameters:
        ///   - file: The log file's name.
        ///   - bytesReceived: Bytes the command wrote.
        ///   - bytesWritten: Bytes kept in the file.
        ///   - truncated: Whether output was discarded.
        public init(file: String, bytesReceived: Int64 = 0, bytesWritten: Int64 = 0, truncated: Bool = false) {
            self.file = file
            self.bytesReceived = bytesReceived
            self.bytesWritten = bytesWritten
            self.truncated = truncated
        }
    }

    /// The failure pattern that classified the run.
    public struct PatternMatch: Sendable, Hashable, Codable {
        /// The pattern's regular expression.
        public var pattern: String
        /// The class it assigned.
        public var failureClass: FailureClass
        /// `stdout` or `stderr`.
        public var stream: String
        /// The matching line (redacted, at most 500 characters).
        public var line: String
        /// The wait before a retry it captured or configured, in seconds.
        public var retryAfterSeconds: Double?
        /// The pattern's ``FailurePattern/hint``: what to do about it.
        public var hint: String? = nil

        /// Creates a match description.
        /// - Parameters:
        ///   - pattern: The regular expression.
        ///   - failureClass: The class it assigned.
        ///   - stream: Where it matched.
        ///   - line: The matching line.
        ///   - retryAfterSeconds: The wait before a retry.
        public init(
            pattern: String, failureClass: FailureClass, stream: String, line: String, retryAfterSeconds: Double?
        ) {
            self.pattern = pattern
            self.failureClass = failureClass
            self.stream = stream
            self.line = line
            self.retryAfterSeconds = retryAfterSeconds
        }
    }

    /// The resolved executable followed by the arguments (redacted).
    public var command: [String]
    /// The directory the command ran in.
    public var workingDirectory: String?
    /// The environment variables set or removed by the configuration (secret values replaced by
    /// ``SubprocessEnvironment/redactionMarker``; removed ones have no value).
    public var environmentOverrides: [String: String?]
    /// Whether the parent environment was inherited.
    public var inheritsEnvironment: Bool
    /// The process id (also the process group id).
    public var processID: Int32?
    /// The exit status, when the command exited.
    public var exitStatus: Int32?
    /// The signal that ended the command, when one did.
    public var signal: Int32?
    /// The signal's name (`SIGKILL`).
    public var signalName: String?
    /// Why the runner stopped the command: `timeout` or `cancelled` (`nil` when it ended by itself).
    public var stoppedBecause: String?
    /// Whether the process group had to be killed with SIGKILL after the grace period.
    public var killedAfterGracePeriod: Bool
    /// Whether processes the command left running in its process group were terminated after it exited.
    public var terminatedLeftoverProcesses: Bool
    /// Standard output.
    public var stdout: Output
    /// Standard error.
    public var stderr: Output
    /// The failure pattern that matched, if any.
    public var matchedPattern: PatternMatch?
    /// How long the process ran, from start until the group had ended and the output was collected.
    public var durationSeconds: Double?

    /// Creates a report for a command that has not started yet.
    /// - Parameters:
    ///   - command: The executable and arguments (redacted).
    ///   - workingDirectory: Where it runs.
    ///   - environmentOverrides: Variables set or removed by the configuration.
    ///   - inheritsEnvironment: Whether the parent environment is inherited.
    public init(
        command: [String], workingDirectory: String?, environmentOverrides: [String: String?],
        inheritsEnvironment: Bool
    ) {
        self.command = command
        self.workingDirectory = workingDirectory
        self.environmentOverrides = environmentOverrides
        self.inheritsEnvironment = inheritsEnvironment
        self.killedAfterGracePeriod = false
        self.terminatedLeftoverProcesses = false
        self.stdout = Output(file: RunLogDirectory.stdoutFileName)
        self.stderr = Output(file: RunLogDirectory.stderrFileName)
    }

    /// One line about how the process ended: `exit status 0`, `killed by signal 9 (SIGKILL)`,
    /// `stopped after the timeout (SIGTERM)`, or `not started`.
    public var endDescription: String {
        var text: String
        if let exitStatus {
            text = "exit status \(exitStatus)"
        } else if let signal {
            text = "killed by signal \(signal) (\(signalName ?? "unknown"))"
        } else if processID == nil {
            text = "not started"
        } else {
            text = "still running"
        }
        if let stoppedBecause {
            text +=
                killedAfterGracePeriod
                ? " after the runner stopped it (\(stoppedBecause)): SIGTERM, then SIGKILL after the grace period"
                : " after the runner stopped it (\(stoppedBecause)) with SIGTERM"
        }
        return text
    }
}
