/// How failed runs are retried: exponential backoff with jitter, as plain values.
///
/// The delay before retry *n* (1-based) is `min(maximumDelay, initialDelay * multiplier^(n-1))`, then
/// reduced by a random fraction of up to `jitter` (0 = none, 1 = anywhere between zero and the delay).
/// Only ``FailureClass/transient``, ``FailureClass/timeout`` and ``FailureClass/rateLimited`` failures
/// are retried; a rate limit's retry-after, when given, replaces the computed delay.
public struct RetryPolicy: Sendable, Hashable, Codable {
    /// How many retries after the first attempt (0 disables retries).
    public var maximumRetries: Int
    /// The delay before the first retry.
    public var initialDelay: Duration
    /// The growth factor between consecutive delays.
    public var multiplier: Double
    /// The longest delay.
    public var maximumDelay: Duration
    /// The largest fraction of a delay removed at random (0–1).
    public var jitter: Double
    /// Whether timed-out runs are retried.
    public var retriesTimeouts: Bool

    /// Creates a policy.
    /// - Parameters:
    ///   - maximumRetries: Retries after the first attempt (default 3).
    ///   - initialDelay: The first delay (default 30 s).
    ///   - multiplier: The growth factor (default 2).
    ///   - maximumDelay: The cap (default 1 h).
    ///   - jitter: The random fraction removed (default 0.2).
    ///   - retriesTimeouts: Whether timeouts are retried (default `true`).
    public init(
        maximumRetries: Int = 3, initialDelay: Duration = .seconds(30), multiplier: Double = 2,
        maximumDelay: Duration = .seconds(3600), jitter: Double = 0.2, retriesTimeouts: Bool = true
    ) {
        self.maximumRetries = max(0, maximumRetries)
        self.initialDelay = max(.zero, initialDelay)
        self.multiplier = multiplier.isFinite ? max(1, multiplier) : 1
        self.maximumDelay = max(.zero, maximumDelay)
        self.jitter = jitter.isFinite ? min(max(jitter, 0), 1) : 0
        self.retriesTimeouts = retriesTimeouts
    }

    /// No retries.
    public static let never = RetryPolicy(maximumRetries: 0)

    /// The delay before retry `retry` (1-based) before jitter.
    /// - Parameter retry: Which retry, 1 for the first.
    /// - Returns: The capped exponential delay.
    public func baseDelay(forRetry retry: Int) -> Duration {
        let exponent = Double(max(0, retry - 1))
        let seconds = initialDelay.timeInterval * pow(multiplier, exponent)
        let capped = min(seconds.isFinite ? seconds : .infinity, maximumDelay.timeInterval)
        return .interval(capped)
    }

    /// The delay before retry `retry` with jitter drawn from `random`.
    /// - Parameters:
    ///   - retry: Which retry, 1 for the first.
    ///   - random: The random source (seed it in tests).
    /// - Returns: The delay to wait.
    public func delay(forRetry retry: Int, using random: inout some RandomNumberGenerator) -> Duration {
        let base = baseDelay(forRetry: retry).timeInterval
        guard jitter > 0 else { return .interval(base) }
        let fraction = Double.random(in: 0...jitter, using: &random)
        return .interval(base * (1 - fraction))
    }

    /// Whether a failure of this class may be retried at all under this policy.
    /// - Parameter failureClass: The failure's class.
    /// - Returns: `true` for transient and rate-limited failures, and for timeouts when enabled.
    public func retries(_ failureClass: FailureClass) -> Bool {
        switch failureClass {
        case .transient, .rateLimited: true
        case .timeout: retriesTimeouts
        case .permanent, .cancelled: false
        }
    }

    private func pow(_ base: Double, _ exponent: Double) -> Double {
        var result = 1.0
        var remaining = Int(exponent)
        while remaining > 0 && result.isFinite {
            result *= base
            remaining -= 1
        }
        return result
    }
}
