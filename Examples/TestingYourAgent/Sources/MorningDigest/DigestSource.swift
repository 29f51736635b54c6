import AgentCore
import Foundation

/// One item the digest reports on, for example a merged pull request or a new issue.
public struct DigestEntry: Sendable, Hashable {
    /// A short title.
    public var title: String

    /// Creates an entry.
    /// - Parameter title: A short title.
    public init(title: String) {
        self.title = title
    }
}

/// Where the digest's entries come from: an HTTP API in production, a scripted fake in tests.
///
/// Injecting the source (and waiting only on the clock it is given) is what makes the agent testable
/// without a network and without waiting for real time.
public protocol DigestSource: Sendable {
    /// Fetches the entries to report.
    /// - Parameter clock: The run's clock; wait on it, never on `Task.sleep`.
    /// - Returns: The entries, possibly none.
    /// - Throws: ``DigestSourceError`` when the source cannot answer, or `CancellationError`.
    func entries(clock: any AgentClock) async throws -> [DigestEntry]
}

/// Why a ``DigestSource`` could not answer.
public struct DigestSourceError: Error, Sendable, Hashable {
    /// What went wrong, as far as the agent's retry decision is concerned.
    public enum Kind: Sendable, Hashable {
        /// The service is down or busy; trying again later may work.
        case unavailable
        /// The credentials were refused; trying again will not help.
        case unauthorized
        /// The service refused because of a quota; it says when to come back.
        case rateLimited(retryAfter: Duration)
    }

    /// What went wrong.
    public var kind: Kind
    /// A message for people.
    public var message: String

    /// Creates an error.
    /// - Parameters:
    ///   - kind: What went wrong.
    ///   - message: A message for people.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }
}
