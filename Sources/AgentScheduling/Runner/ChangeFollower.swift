import AgentCore
import Foundation

/// Follows a store's change feed for a coordinator until its task is cancelled: re-reads the state it follows
/// first and whenever changes were missed, then hands over each change in order, waiting for the next ones in
/// between. A store that cannot be read is tried again a second later on the clock.
struct ChangeFollower: Sendable {
    /// The store whose feed is followed.
    let store: any ChangeFeedStore
    /// The clock of the retry delay.
    let clock: any AgentClock

    /// Follows the feed until the task is cancelled.
    /// - Parameters:
    ///   - reconcile: Re-reads the state the caller follows (at start, and after missed changes).
    ///   - handle: Reacts to one change.
    func run(reconcile: @Sendable () async -> Void, handle: @Sendable (StoreChange) async -> Void) async {
        var cursor: ChangeCursor?
        while !Task.isCancelled {
            do {
                guard let current = cursor else {
                    let start = try await store.latestChangeCursor()
                    await reconcile()
                    cursor = start
                    continue
                }
                let page = try await store.changes(after: current, limit: 256)
                if page.missedChanges { await reconcile() }
                for change in page.changes { await handle(change) }
                cursor = page.cursor
                if page.changes.isEmpty { try await store.waitForChanges(after: page.cursor) }
            } catch is CancellationError {
                return
            } catch {
                try? await clock.sleep(until: clock.now.addingTimeInterval(1))
            }
        }
    }
}
