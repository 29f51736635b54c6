import AgentCore
import Synchronization

/// The callers of ``ChangeFeedStore/waitForChanges(after:)`` that wait in this process, woken when the feed
/// passes their cursor.
package final class ChangeWaiters: Sendable {
    private struct Waiter {
        let cursor: ChangeCursor
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var latest: UInt64 = 0
        var waiters: [UInt64: Waiter] = [:]
        var nextID: UInt64 = 0
    }

    private let state = Mutex(State())

    /// Creates an empty set of waiters.
    package init() {}

    /// Waits until ``advance(to:)`` reports a change after `cursor`; returns at once when one was already
    /// reported.
    /// - Parameters:
    ///   - cursor: The last change the caller saw.
    ///   - latest: The store's newest sequence number as the caller read it just now.
    /// - Throws: `CancellationError` when the task is cancelled.
    package func wait(after cursor: ChangeCursor, latest: UInt64) async throws {
        try Task.checkCancellation()
        let id = state.withLock { state -> UInt64 in
            state.latest = max(state.latest, latest)
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resumeNow: Bool = state.withLock { state in
                    if state.latest > cursor.sequence { return true }
                    state.waiters[id] = Waiter(cursor: cursor, continuation: continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
                if Task.isCancelled { self.cancel(id) }
            }
        } onCancel: {
            self.cancel(id)
        }
    }

    /// Reports that the feed reached `sequence`, waking every waiter whose cursor is older.
    /// - Parameter sequence: The newest sequence number.
    package func advance(to sequence: UInt64) {
        let woken: [Waiter] = state.withLock { state in
            guard sequence > state.latest || !state.waiters.isEmpty else { return [] }
            state.latest = max(state.latest, sequence)
            let due = state.waiters.filter { $0.value.cursor.sequence < state.latest }
            for id in due.keys { state.waiters.removeValue(forKey: id) }
            return Array(due.values)
        }
        for waiter in woken { waiter.continuation.resume() }
    }

    /// Whether anyone waits (a store polls for other processes' changes only then).
    package var hasWaiters: Bool { state.withLock { !$0.waiters.isEmpty } }

    private func cancel(_ id: UInt64) {
        let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
        waiter?.continuation.resume(throwing: CancellationError())
    }
}
