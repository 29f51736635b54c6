import AgentCore

/// The recent part of a store's change feed: a bounded ring of ``StoreChange`` values numbered from one.
///
/// Stores append a change for every write that other processes must learn about, and answer
/// ``ChangeFeedStore/changes(after:limit:)`` from here. Only the newest ``capacity`` changes are kept; a reader
/// whose cursor is older than that is told it missed changes.
package struct ChangeLog: Sendable {
    /// The most changes kept.
    package let capacity: Int
    /// The sequence number of the newest change (0 when none was ever appended).
    package private(set) var lastSequence: UInt64
    private var ring: [StoreChange] = []
    /// Where the oldest kept change is in ``ring`` once it is full.
    private var head = 0

    /// Creates an empty log.
    /// - Parameters:
    ///   - capacity: The most changes kept (at least 1).
    ///   - lastSequence: The sequence number the feed has already reached (from a snapshot); the next change is
    ///     numbered one more.
    package init(capacity: Int = 16_384, lastSequence: UInt64 = 0) {
        self.capacity = max(1, capacity)
        self.lastSequence = lastSequence
    }

    /// The cursor after the newest change.
    package var latestCursor: ChangeCursor { ChangeCursor(sequence: lastSequence) }

    /// The sequence number of the oldest change kept, or `nil` when none is kept.
    private var firstKeptSequence: UInt64? {
        ring.isEmpty ? nil : lastSequence - UInt64(ring.count) + 1
    }

    /// Appends a change and numbers it.
    /// - Parameter kind: What changed.
    /// - Returns: The numbered change.
    @discardableResult
    package mutating func append(_ kind: StoreChange.Kind) -> StoreChange {
        lastSequence += 1
        let change = StoreChange(sequence: lastSequence, kind: kind)
        if ring.count < capacity {
            ring.append(change)
        } else {
            ring[head] = change
            head = (head + 1) % capacity
        }
        return change
    }

    /// The changes after a cursor, as ``ChangeFeedStore/changes(after:limit:)`` answers.
    /// - Parameters:
    ///   - cursor: The last change the reader saw.
    ///   - limit: The most changes to return (at least 1).
    /// - Returns: The page.
    package func page(after cursor: ChangeCursor, limit: Int) -> ChangePage {
        guard cursor.sequence <= lastSequence else {
            // A cursor from the future: the store was re-created. Start over from here.
            return ChangePage(changes: [], cursor: latestCursor, missedChanges: true)
        }
        guard cursor.sequence < lastSequence else { return ChangePage(changes: [], cursor: cursor) }
        var from = cursor.sequence + 1
        var missed = false
        if let first = firstKeptSequence, from < first {
            missed = true
            from = first
        } else if firstKeptSequence == nil {
            return ChangePage(changes: [], cursor: latestCursor, missedChanges: true)
        }
        let count = Int(min(UInt64(max(1, limit)), lastSequence - from + 1))
        var changes: [StoreChange] = []
        changes.reserveCapacity(count)
        let offset = Int(from - (firstKeptSequence ?? from))
        for index in offset..<(offset + count) {
            changes.append(ring[(head + index) % ring.count])
        }
        return ChangePage(changes: changes, cursor: changes.last?.cursor ?? cursor, missedChanges: missed)
    }
}
