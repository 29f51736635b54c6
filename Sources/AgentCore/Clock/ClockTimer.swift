/// A one-shot wake-up registered with ``AgentClock/startTimer(at:_:)``.
///
/// Cancelling the timer before its deadline means its action never runs. A cancellation that races with the
/// deadline may come too late; actions must tolerate running after the work they watch has ended.
public struct ClockTimer: Sendable {
    private let cancellation: @Sendable () -> Void

    /// Creates a timer handle.
    /// - Parameter cancel: Withdraws the wake-up; called at most once per ``cancel()`` call.
    public init(cancel: @escaping @Sendable () -> Void) {
        self.cancellation = cancel
    }

    /// Withdraws the wake-up if it has not fired yet.
    public func cancel() {
        cancellation()
    }
}
