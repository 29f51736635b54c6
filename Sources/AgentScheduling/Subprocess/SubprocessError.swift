import AgentCore

/// Why a subprocess agent could not be configured or could not start its command.
///
/// A command that starts and then fails is not an error: it is a failed ``AgentCore/AgentRunResult``.
/// This error is thrown when the configuration is invalid (from ``SubprocessAgent/init(name:configuration:parentEnvironment:schedule:policy:owner:isEnabled:)``
/// and ``SubprocessConfiguration/validate()``) or when the command could not be started at all
/// (from ``SubprocessAgent/run(_:context:)``, where the orchestrator records it as a failed run of the
/// error's ``failureClass``).
///
/// ```swift
/// do { _ = try SubprocessAgent(name: "docs", configuration: configuration, parentEnvironment: [:]) }
/// catch let error as SubprocessError where error.code == .invalidPattern { print(error.message) }
/// ```
public struct SubprocessError: Error, Sendable, Hashable, CustomStringConvertible, ClassifiedError {
    /// What kind of problem it is. New codes may be added; compare with `==`.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Storage: String, Sendable, Hashable {
            case invalidConfiguration, invalidPattern, invalidTimeout, executableNotFound
            case workingDirectoryNotFound, spawnFailed, logDirectoryFailed
        }

        private let storage: Storage
        private init(_ storage: Storage) { self.storage = storage }

        /// A configuration value is out of range or malformed (empty executable, bad variable name…).
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// A failure pattern is not a valid regular expression.
        public static let invalidPattern = Code(.invalidPattern)
        /// A timeout (or `AGENTCTL_TIMEOUT_SECONDS`) is not a positive number of seconds.
        public static let invalidTimeout = Code(.invalidTimeout)
        /// The executable does not exist or is not executable.
        public static let executableNotFound = Code(.executableNotFound)
        /// The working directory does not exist.
        public static let workingDirectoryNotFound = Code(.workingDirectoryNotFound)
        /// The operating system refused to start the process.
        public static let spawnFailed = Code(.spawnFailed)
        /// The run's log directory or one of its files could not be created or written.
        public static let logDirectoryFailed = Code(.logDirectoryFailed)

        /// The code's name.
        public var description: String { storage.rawValue }
    }

    /// What kind of problem it is.
    public let code: Code
    /// What went wrong, where, and how to fix it.
    public let message: String
    /// How a run that hit this error is treated: configuration problems are permanent, passing
    /// operating-system failures (no memory, too many processes, a full disk) are transient.
    public let failureClass: FailureClass

    /// Creates an error.
    /// - Parameters:
    ///   - code: What kind of problem it is.
    ///   - message: What went wrong, where, and how to fix it.
    ///   - failureClass: How a run that hit it is treated (default ``AgentCore/FailureClass/permanent``).
    public init(_ code: Code, _ message: String, failureClass: FailureClass = .permanent) {
        self.code = code
        self.message = message
        self.failureClass = failureClass
    }

    /// `executableNotFound: …`
    public var description: String { "\(code): \(message)" }
}
