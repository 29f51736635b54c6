import AgentCore
import Testing

/// A wait in a test that took longer than its deadline.
package struct DeadlineExceeded: Error, CustomStringConvertible {
    /// What the test waited for.
    package let what: String
    /// The deadline, in real seconds.
    package let seconds: Double
    package var description: String { "timed out after \(seconds) s waiting for \(what)" }

    /// A deadline of `seconds` that passed while the test waited for `what`.
    package init(what: String, seconds: Double) {
        self.what = what
        self.seconds = seconds
    }
}

/// Runs `body` and returns its result, or throws ``DeadlineExceeded`` after `seconds` of real time even when
/// `body` never returns (it is cancelled and left behind), so a wait that is never satisfied fails the test
/// instead of hanging the suite.
/// - Parameters:
///   - what: What the test waits for, for the failure message.
///   - seconds: The deadline, in real seconds.
///   - body: The wait.
/// - Returns: What `body` returned.
package func within<T: Sendable>(
    _ what: String, seconds: Double = 60, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withRealTimeDeadline(seconds: seconds, DeadlineExceeded(what: what, seconds: seconds), body)
}

/// As ``within(_:seconds:_:)`` for a wait that returns nothing: on a timeout the test gets an issue naming what it
/// waited for, and goes on (usable where the caller cannot throw).
/// - Parameters:
///   - what: What the test waits for, for the failure message.
///   - seconds: The deadline, in real seconds.
///   - sourceLocation: Where the issue is reported.
///   - body: The wait.
package func waitBounded(
    _ what: String, seconds: Double = 60, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: @escaping @Sendable () async -> Void
) async {
    do {
        try await within(what, seconds: seconds, body)
    } catch {
        Issue.record("\(error)", sourceLocation: sourceLocation)
    }
}
