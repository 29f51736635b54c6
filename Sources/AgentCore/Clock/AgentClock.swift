import Foundation

/// The source of time for everything in the package: timestamps, leases, timeouts and schedules.
///
/// Production code uses ``SystemClock``; tests and dry runs use ``ManualClock`` and move time by hand.
/// Nothing in the library reads the wall clock except ``SystemClock``.
public protocol AgentClock: Sendable {
    /// The current time.
    var now: Date { get }

    /// Suspends until `deadline` (returns at once if it has passed).
    /// - Parameter deadline: The instant to wake at.
    /// - Throws: `CancellationError` when the calling task is cancelled while waiting.
    func sleep(until deadline: Date) async throws
}

extension AgentClock {
    /// Suspends for a duration measured on this clock.
    /// - Parameter duration: How long to wait.
    /// - Throws: `CancellationError` when the calling task is cancelled while waiting.
    public func sleep(for duration: Duration) async throws {
        try await sleep(until: now.addingTimeInterval(duration.timeInterval))
    }
}

extension Duration {
    /// The duration in seconds as a `TimeInterval`.
    public var timeInterval: TimeInterval {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }

    /// Creates a duration from seconds given as a `TimeInterval` (rounded to nanoseconds).
    /// - Parameter interval: Seconds; negative and non-finite values become zero.
    /// - Returns: The duration.
    public static func interval(_ interval: TimeInterval) -> Duration {
        guard interval.isFinite, interval > 0 else { return .zero }
        return .nanoseconds(Int64(min(interval, 9.0e9) * 1e9))
    }
}
