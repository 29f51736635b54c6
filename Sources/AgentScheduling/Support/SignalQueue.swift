import Synchronization

/// Collects signals from threads, timers and cancellation handlers and hands them to one waiting task,
/// in arrival order.
final class SignalQueue<Signal: Sendable>: Sendable {
    private struct State {
        var waiting: CheckedContinuation<Signal, Never>?
        var pending: [Signal] = []
    }

    private let state = Mutex(State())

    /// Creates an empty queue.
    init() {}

    /// Adds a signal, waking the waiter if there is one.
    /// - Parameter signal: The signal.
    func deliver(_ signal: Signal) {
        let waiter: CheckedContinuation<Signal, Never>? = state.withLock { state in
            if let waiter = state.waiting {
                state.waiting = nil
                return waiter
            }
            state.pending.append(signal)
            return nil
        }
        waiter?.resume(returning: signal)
    }

    /// Whether a signal has arrived that no one has taken yet.
    var hasPendingSignal: Bool { state.withLock { !$0.pending.isEmpty } }

    /// The next signal; suspends until one arrives (without reacting to cancellation). One waiter at a time.
    /// - Returns: The signal.
    func next() async -> Signal {
        await withCheckedContinuation { (continuation: CheckedContinuation<Signal, Never>) in
            let ready: Signal? = state.withLock { state in
                if !state.pending.isEmpty { return state.pending.removeFirst() }
                state.waiting = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
