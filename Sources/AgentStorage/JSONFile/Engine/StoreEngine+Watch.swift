import AgentCore
import Dispatch
import Foundation
import Synchronization

/// Waiting for the change feed: a change this process writes wakes waiters at once (``commitLocked(_:)``
/// advances ``waiters``); a change another process writes is noticed by a timer that, only while someone
/// waits, checks the journal's size and identity every ``watchInterval`` and catches up when they moved.
/// With nobody waiting no timer runs, so an idle process does nothing.
extension StoreEngine {
    /// Returns once the feed holds a change after `cursor`, catching up on other processes' writes first.
    /// - Parameter cursor: The last change the caller read.
    /// - Throws: `CancellationError` when the task is cancelled; ``StoreError`` when the journal cannot be read.
    func waitForChanges(after cursor: ChangeCursor) async throws {
        try await synchronizeIfNeeded()
        let start = control.withLock { control in
            control.watchers += 1
            if control.watching { return false }
            control.watching = true
            return true
        }
        defer { control.withLock { $0.watchers -= 1 } }
        if start { scheduleWatch() }
        let latest = state.withLock { $0.changes.lastSequence }
        try await waiters.wait(after: cursor, latest: latest)
    }

    private func scheduleWatch() {
        watchQueue.asyncAfter(deadline: .now() + Self.watchInterval) { self.watch() }
    }

    /// One tick of the timer: stops when nobody waits; otherwise catches up (on the writer queue) when the
    /// journal moved, and looks again after ``watchInterval``.
    private func watch() {
        let proceed = control.withLock { control in
            if control.watchers > 0 { return true }
            control.watching = false
            return false
        }
        guard proceed else { return }
        // A failed check is tried again on the next tick; a lasting failure shows in every other operation.
        if (try? journalChangedElsewhere()) == true {
            queue.async { self.catchUpForWatchers() }
        }
        scheduleWatch()
    }

    /// Catches up under the store lock; ``catchUpLocked()`` wakes the waiters a new change concerns. Runs on the
    /// writer queue, between batches.
    private func catchUpForWatchers() {
        guard (try? journalChangedElsewhere()) == true else { return }
        do {
            try lockFile.lock()
        } catch {
            return
        }
        defer { lockFile.unlock() }
        try? catchUpLocked()
    }
}
