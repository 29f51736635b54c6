/// What an agent reports when it returns.
///
/// A failure the agent detected itself is an outcome, not a thrown error: return `.failed(…)` with a
/// class and a message. Throwing is for failures the agent did not expect (they are classified by
/// ``ClassifiedError`` or as transient).
public struct AgentRunResult: Sendable, Hashable, Codable {
    /// How the run ended.
    public enum Outcome: Sendable, Hashable, Codable {
        /// The work was done.
        case succeeded
        /// There was nothing to do (counts as success for idempotency).
        case noOp
        /// The work failed.
        /// - Parameters:
        ///   - class: How the failure should be treated.
        ///   - message: What failed and how to fix it.
        case failed(FailureClass, message: String)
        /// The work produced something a person must approve (a pull request at ``AgentRunResult/outputsURI``): the
        /// run ends ``RunStatus/awaitingApproval`` and waits, holding no slot, lease or process, for a decision.
        case awaitingApproval
    }

    /// How the run ended.
    public var outcome: Outcome
    /// Named counts (`"filesReviewed": 12`).
    public var counters: [String: Int64]
    /// Things the run produced.
    public var artifacts: [RunArtifact]
    /// Problems that did not fail the run.
    public var warnings: [String]
    /// One human-readable line about what happened.
    public var summary: String?
    /// Where the run's outputs are, if they are kept somewhere.
    public var outputsURI: String?
    /// For a ``FailureClass/rateLimited`` failure: how long the service asked to wait before the next attempt.
    /// The scheduler retries after exactly this wait instead of its backoff; other outcomes ignore it.
    public var retryAfter: Duration?

    /// Creates a result.
    /// - Parameters:
    ///   - outcome: How the run ended.
    ///   - counters: Named counts.
    ///   - artifacts: Things the run produced.
    ///   - warnings: Problems that did not fail the run.
    ///   - summary: One line about what happened.
    ///   - outputsURI: Where the outputs are.
    ///   - retryAfter: For a rate-limited failure, the wait the service asked for.
    public init(
        outcome: Outcome, counters: [String: Int64] = [:], artifacts: [RunArtifact] = [], warnings: [String] = [],
        summary: String? = nil, outputsURI: String? = nil, retryAfter: Duration? = nil
    ) {
        self.outcome = outcome
        self.counters = counters
        self.artifacts = artifacts
        self.warnings = warnings
        self.summary = summary
        self.outputsURI = outputsURI
        self.retryAfter = retryAfter
    }

    /// A successful result.
    /// - Parameters:
    ///   - summary: One line about what happened.
    ///   - counters: Named counts.
    /// - Returns: The result.
    public static func succeeded(_ summary: String? = nil, counters: [String: Int64] = [:]) -> AgentRunResult {
        AgentRunResult(outcome: .succeeded, counters: counters, summary: summary)
    }

    /// A result for a run that found nothing to do.
    /// - Parameter summary: Why there was nothing to do.
    /// - Returns: The result.
    public static func noOp(_ summary: String? = nil) -> AgentRunResult {
        AgentRunResult(outcome: .noOp, summary: summary)
    }

    /// A failed result.
    /// - Parameters:
    ///   - failureClass: How the failure should be treated.
    ///   - message: What failed and how to fix it.
    /// - Returns: The result.
    public static func failed(_ failureClass: FailureClass, _ message: String) -> AgentRunResult {
        AgentRunResult(outcome: .failed(failureClass, message: message), summary: message)
    }

    /// A rate-limited failure, with the wait the service asked for before a retry.
    ///
    /// Returning it rather than throwing ``AgentFailure/rateLimited(_:retryAfter:)`` keeps the counters,
    /// artifacts and warnings the run gathered before it was refused in its record.
    /// - Parameters:
    ///   - message: What was refused (`"429 Too Many Requests"`).
    ///   - retryAfter: How long to wait before the next attempt; `nil` uses the retry policy's backoff.
    /// - Returns: The result.
    public static func rateLimited(_ message: String, retryAfter: Duration?) -> AgentRunResult {
        AgentRunResult(outcome: .failed(.rateLimited, message: message), summary: message, retryAfter: retryAfter)
    }
}

/// Something a run produced, by name and location.
public struct RunArtifact: Sendable, Hashable, Codable {
    /// A short name (`"report"`).
    public var name: String
    /// Where it is (`file:///…`, `https://…`, `s3://…`).
    public var uri: String

    /// Creates an artifact reference.
    /// - Parameters:
    ///   - name: A short name.
    ///   - uri: Where it is.
    public init(name: String, uri: String) {
        self.name = name
        self.uri = uri
    }
}
