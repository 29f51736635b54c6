import AgentCore

/// What ``Orchestrator/execute(_:agent:settledStatuses:)`` did with a request.
public struct RunExecution: Sendable, Hashable {
    /// Whether the request ran.
    public enum Disposition: Sendable, Hashable {
        /// The agent ran; ``RunExecution/record`` is its terminal record.
        case executed
        /// A run with the same key had already settled; ``RunExecution/record`` is that run.
        case duplicate
        /// A run with the same key is in progress; ``RunExecution/record`` is that run.
        case inProgress
    }

    /// Whether the request ran.
    public let disposition: Disposition
    /// The terminal record of the run, or the existing run it duplicated.
    public let record: RunRecord
    /// For a rate-limited failure: the wait the agent asked for before a retry.
    public let retryAfter: Duration?
    /// The terminal event the orchestrator left for its scheduler to publish (see
    /// ``Orchestrator/execute(_:agent:settledStatuses:deferringEndEvent:)``).
    let endEvent: RunEvent?

    /// Creates a value.
    /// - Parameters:
    ///   - disposition: Whether the request ran.
    ///   - record: The record.
    ///   - retryAfter: The wait a rate-limited agent asked for.
    public init(disposition: Disposition, record: RunRecord, retryAfter: Duration? = nil) {
        self.init(disposition: disposition, record: record, retryAfter: retryAfter, endEvent: nil)
    }

    init(disposition: Disposition, record: RunRecord, retryAfter: Duration?, endEvent: RunEvent?) {
        self.disposition = disposition
        self.record = record
        self.retryAfter = retryAfter
        self.endEvent = endEvent
    }
}
