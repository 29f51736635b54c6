/// The payload of ``RunEvent/Kind/runDeduplicated``: why the request did not run.
public struct DeduplicationDetails: Sendable, Hashable, Codable {
    /// Why a request was deduplicated.
    public enum Reason: String, Sendable, Hashable, Codable {
        /// A run with the same idempotency key already settled.
        case duplicate
        /// A run with the same idempotency key is in progress.
        case inProgress
    }

    /// Why the request did not run.
    public var reason: Reason

    /// Creates the payload.
    /// - Parameter reason: Why the request did not run.
    public init(reason: Reason) { self.reason = reason }
}
