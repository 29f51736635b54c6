import AgentCore
import Foundation
import PostgresNIO

extension PostgresAgentStore {
    /// See ``ChangeFeedStore/latestChangeCursor()``.
    /// - Returns: The cursor after the newest change.
    /// - Throws: ``StoreError`` when the database cannot be read.
    public func latestChangeCursor() async throws -> ChangeCursor {
        ChangeCursor(sequence: UInt64(clamping: try await latestSequence()))
    }

    /// See ``ChangeFeedStore/changes(after:limit:)``.
    /// - Parameters:
    ///   - cursor: The last change read.
    ///   - limit: The most changes to return.
    /// - Returns: The page; `missedChanges` when entries after the cursor were pruned or the cursor is from another
    ///   database.
    /// - Throws: ``StoreError`` with ``StoreError/Code/invalidQuery`` for a limit below 1.
    public func changes(after cursor: ChangeCursor, limit: Int) async throws -> ChangePage {
        guard limit >= 1 else {
            throw StoreError(.invalidQuery, "a change page needs a limit of at least 1, not \(limit)")
        }
        let after = Int64(clamping: cursor.sequence)
        // The changes the notifications carried, when they continue the cursor without a gap: a follower woken by a
        // notification reads its page without a round trip.
        if let held = recentChanges.page(after: after, limit: limit) {
            let changes = try held.map { entry in
                StoreChange(
                    sequence: UInt64(entry.sequence),
                    kind: try ChangeBody.kind(from: entry.body, sequence: UInt64(entry.sequence)))
            }
            return ChangePage(changes: changes, cursor: changes.last?.cursor ?? cursor, missedChanges: false)
        }
        // One statement, one snapshot: the feed's bounds and the page. Sequence numbers are handed out under the
        // counter row's lock, held until the writer commits, so they become visible in order and a page never skips
        // a change that commits later.
        let decoded = try await database.execute(ChangePageStatement(after: after, limit: Int64(limit)))
        guard let (last, oldest, _, _) = decoded.first else {
            throw StoreError(.corruptData, "the change counter of \(location) is missing")
        }
        signal.observe(latest: last)
        recentChanges.observe(latest: last)
        if after > last {
            // A cursor from before the feed was re-created.
            return ChangePage(changes: [], cursor: ChangeCursor(sequence: UInt64(last)), missedChanges: true)
        }
        let missed = after < last && (oldest.map { after + 1 < $0 } ?? true)
        let changes = try decoded.compactMap { row -> StoreChange? in
            guard let sequence = row.sequence, let body = row.body else { return nil }
            return StoreChange(
                sequence: UInt64(sequence), kind: try ChangeBody.kind(from: body, sequence: UInt64(sequence)))
        }
        return ChangePage(changes: changes, cursor: changes.last?.cursor ?? cursor, missedChanges: missed)
    }

    /// See ``ChangeFeedStore/waitForChanges(after:)``: woken by NOTIFY (a dedicated LISTEN connection) or by a write
    /// of this process, and polling every ``Options/pollInterval`` as a backstop.
    /// - Parameter cursor: The last change read.
    /// - Throws: `CancellationError` when the task is cancelled; ``StoreError`` when the database cannot be read.
    public func waitForChanges(after cursor: ChangeCursor) async throws {
        listener.start()
        while true {
            try Task.checkCancellation()
            let generation = signal.generation
            // A notification already announced a newer change: no need to ask the database.
            if signal.announced > Int64(clamping: cursor.sequence) { return }
            if try await latestSequence() > Int64(clamping: cursor.sequence) { return }
            await signal.wait(since: generation, atMost: options.pollInterval)
        }
    }

    private func latestSequence() async throws -> Int64 {
        let latest = try await database.execute(LatestSequenceStatement()).first ?? 0
        signal.observe(latest: latest)
        recentChanges.observe(latest: latest)
        return latest
    }
}
