/// The payload of a run that ended without success (``RunEvent/Kind/runFailed``, ``RunEvent/Kind/runTimedOut``,
/// ``RunEvent/Kind/runCancelled``, ``RunEvent/Kind/runAbandoned``).
public struct RunFailureDetails: Sendable, Hashable, Codable {
    /// How the failure was classified, if it was.
    public var failureClass: FailureClass?
    /// Whether this is the last word on the run: `true` when no retry will follow.
    ///
    /// A scheduler decides on retries before it publishes the terminal event, so it sets this exactly; an
    /// ``RunEvent`` from an orchestrator used alone is always final, since nothing retries it.
    public var isFinal: Bool

    /// Creates the payload.
    /// - Parameters:
    ///   - failureClass: How the failure was classified.
    ///   - isFinal: Whether no retry will follow.
    public init(failureClass: FailureClass?, isFinal: Bool) {
        self.failureClass = failureClass
        self.isFinal = isFinal
    }
}
