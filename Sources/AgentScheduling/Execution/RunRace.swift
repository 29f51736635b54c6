import AgentCore
import Synchronization

/// Collects the signals that can end a run (the agent returned, the deadline passed, the caller
/// cancelled, the lease was lost) and hands them to the orchestrator one at a time, in arrival order.
final class RunRace: Sendable {
    enum Signal: Sendable {
        case finished(Result<AgentRunResult, any Error>)
        case deadlineReached
        case cancelledByCaller
        case leaseLost(String)
        case graceExpired
    }

    private struct State {
        var waiting: CheckedContinuation<Signal, Never>?
        var pending: [Signal] = []
    }

    private let state = Mutex(State())

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

    /// The next signal; waits until one arrives. Only one caller waits at a time.
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
