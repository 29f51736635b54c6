import Foundation

/// The payload of ``RunEvent/Kind/runRetryScheduled``: when the next attempt runs and why.
public struct RetryScheduleDetails: Sendable, Hashable, Codable {
    /// When the next attempt is due, on the injected clock.
    public var retryAt: Date
    /// The wait between the failed attempt's end and the retry.
    public var delay: Duration
    /// The number of the attempt that will run.
    public var nextAttempt: Int
    /// The class of the failure that is retried.
    public var failureClass: FailureClass?

    /// Creates the payload.
    /// - Parameters:
    ///   - retryAt: When the next attempt is due.
    ///   - delay: The wait before it.
    ///   - nextAttempt: Its attempt number.
    ///   - failureClass: The class of the failure that is retried.
    public init(retryAt: Date, delay: Duration, nextAttempt: Int, failureClass: FailureClass?) {
        self.retryAt = retryAt
        self.delay = delay
        self.nextAttempt = nextAttempt
        self.failureClass = failureClass
    }
}
