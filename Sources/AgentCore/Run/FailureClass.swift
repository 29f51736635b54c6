/// How a failure should be treated.
public enum FailureClass: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// Likely to pass on a later attempt (network blip, busy service): retried with backoff.
    case transient
    /// Will fail again until somebody changes something (bad input, missing credentials): never retried.
    case permanent
    /// The run exceeded its time limit.
    case timeout
    /// A service refused for now because of a quota; retried after the time it names, if any.
    case rateLimited
    /// The run was cancelled.
    case cancelled

    /// The raw value.
    public var description: String { rawValue }
}

/// An error that knows its ``FailureClass``.
///
/// Conform your own error types to classify them; any other error an agent throws counts as
/// ``FailureClass/transient``.
public protocol ClassifiedError: Error {
    /// How the failure should be treated.
    var failureClass: FailureClass { get }
    /// For rate limits: how long to wait before trying again, if the service said.
    var retryAfter: Duration? { get }
}

extension ClassifiedError {
    /// No retry-after by default.
    public var retryAfter: Duration? { nil }
}

/// A ready-made classified error for agents: `throw AgentFailure.permanent("API token missing: set TOKEN")`.
public struct AgentFailure: ClassifiedError, Sendable, Hashable, CustomStringConvertible {
    /// How the failure should be treated.
    public let failureClass: FailureClass
    /// A message that says what failed and, where possible, how to fix it.
    public let message: String
    /// For rate limits: how long to wait before retrying.
    public let retryAfter: Duration?

    /// Creates a failure.
    /// - Parameters:
    ///   - failureClass: How it should be treated.
    ///   - message: What failed and how to fix it.
    ///   - retryAfter: For rate limits, the wait the service asked for.
    public init(_ failureClass: FailureClass, _ message: String, retryAfter: Duration? = nil) {
        self.failureClass = failureClass
        self.message = message
        self.retryAfter = retryAfter
    }

    /// A failure worth retrying.
    /// - Parameter message: What failed.
    /// - Returns: A ``FailureClass/transient`` failure.
    public static func transient(_ message: String) -> AgentFailure { AgentFailure(.transient, message) }

    /// A failure that retrying cannot fix.
    /// - Parameter message: What failed and how to fix it.
    /// - Returns: A ``FailureClass/permanent`` failure.
    public static func permanent(_ message: String) -> AgentFailure { AgentFailure(.permanent, message) }

    /// A quota refusal.
    /// - Parameters:
    ///   - message: What refused.
    ///   - retryAfter: The wait the service asked for, if it said.
    /// - Returns: A ``FailureClass/rateLimited`` failure.
    public static func rateLimited(_ message: String, retryAfter: Duration? = nil) -> AgentFailure {
        AgentFailure(.rateLimited, message, retryAfter: retryAfter)
    }

    /// The message.
    public var description: String { message }
}
