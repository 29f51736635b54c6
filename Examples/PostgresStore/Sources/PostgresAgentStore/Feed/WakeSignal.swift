import Foundation
import PostgresNIO
import Synchronization

/// Wakes the tasks waiting for new changes: a notification from the server (LISTEN), a write of this process,
/// or a reconnect. A waiter passes the ``generation`` it read before it checked the database, so a wake between
/// its check and its wait is never lost.
final class WakeSignal: Sendable {
    private struct State {
        var generation: UInt64 = 0
        var announced: Int64 = 0
        var nextID: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = Mutex(State())

    /// How many times the signal was raised.
    var generation: UInt64 { state.withLock { $0.generation } }

    /// The highest change sequence a notification announced (0 before the first): a waiter whose cursor is below it
    /// can read the feed without asking the database whether there is something to read.
    var announced: Int64 { state.withLock { $0.announced } }

    /// Lowers ``announced`` to the feed's newest sequence read from the database (the feed was re-created, so an
    /// older announcement is higher than anything it now holds).
    /// - Parameter latest: The newest sequence the database holds.
    func observe(latest: Int64) {
        state.withLock { $0.announced = min($0.announced, latest) }
    }

    /// Wakes every waiter.
    /// - Parameter sequence: The change sequence a notification announced, if it came with one.
    func wake(announcing sequence: Int64? = nil) {
        let waiters = state.withLock { state in
            if let sequence { state.announced = max(state.announced, sequence) }
            state.generation &+= 1
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns when the signal is raised after `generation`, after `interval` (the polling backstop), or when the
    /// task is cancelled. The waiting task is resumed directly by whichever comes first (one hop, no child tasks), so
    /// a notification reaches it as soon as the listener hears it.
    /// - Parameters:
    ///   - generation: The ``generation`` read before the caller last checked for changes.
    ///   - interval: The longest wait.
    func wait(since generation: UInt64, atMost interval: Duration) async {
        let id = state.withLock { state in
            state.nextID &+= 1
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state in
                    if state.generation != generation || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow {
                    continuation.resume()
                    return
                }
                // The backstop poll: real time, because it stands in for a lost notification, not for a schedule. It
                // resumes this wait only if nothing did before (ids are never reused).
                let (seconds, attoseconds) = interval.components
                // At most a day: a longer backstop is as good as none, and the product cannot overflow.
                let nanoseconds = min(max(0, seconds), 86_400) * 1_000_000_000 + max(0, attoseconds) / 1_000_000_000
                DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(clamping: nanoseconds))) {
                    [self] in
                    state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
                }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }
}
