import Synchronization

/// The newest changes of the feed as the store's notifications carried them, so that a follower woken by a
/// notification reads its page from memory instead of asking the database again: a run request is then taken one
/// round trip after its commit reaches this process, not two.
///
/// A notification carries the changes a statement appended when they are few and small (see
/// ``StatementSQL/feedAppend(from:body:order:announcing:table:channel:)``), otherwise only the newest sequence number.
/// A page is served from here only when every change it returns is held without a gap from the cursor on, so a lost
/// notification (a reconnect), a change announced by its sequence alone, or a cursor older than what is held sends the
/// reader to the database; a page from here may end earlier than the database's would, which a feed allows (the next
/// page goes on from its cursor). Change rows never change once written, so a held change is what the database holds.
final class RecentChanges: Sendable {
    /// One change as its notification carried it: its sequence number and its JSON body.
    struct Entry: Sendable, Equatable {
        let sequence: Int64
        let body: String
    }

    private let entries = Mutex<[Entry]>([])
    /// The most changes held; the oldest are dropped first.
    let capacity: Int

    /// Creates an empty buffer.
    /// - Parameter capacity: The most changes held.
    init(capacity: Int = 1_024) {
        self.capacity = max(1, capacity)
    }

    /// Reads a notification's payload: the newest sequence number it announces, and its changes when it carries them.
    ///
    /// The payload is the newest sequence number as decimal text, optionally followed by one line per change,
    /// `"\n<sequence>\t<body>"` (a `jsonb` value's text never holds a raw line break).
    /// - Parameter payload: The payload.
    /// - Returns: The sequence number announced, or `nil` for a payload this store did not write.
    static func parse(_ payload: String) -> (announced: Int64, entries: [Entry])? {
        var lines = payload.split(separator: "\n", omittingEmptySubsequences: false)[...]
        guard let first = lines.popFirst(), let announced = Int64(first) else { return nil }
        var entries: [Entry] = []
        entries.reserveCapacity(lines.count)
        for line in lines {
            guard let tab = line.firstIndex(of: "\t"), let sequence = Int64(line[..<tab]) else { return nil }
            entries.append(Entry(sequence: sequence, body: String(line[line.index(after: tab)...])))
        }
        return (announced, entries)
    }

    /// Keeps the changes a notification carried. Sequence numbers only grow within a feed: an announcement at or
    /// below the newest change held means the feed was re-created, and everything held before is forgotten.
    /// - Parameters:
    ///   - announced: The newest sequence number the notification announced.
    ///   - received: The changes it carried, oldest first (none when it announced the sequence number alone).
    func keep(announced: Int64, _ received: [Entry]) {
        entries.withLock { entries in
            if let last = entries.last, announced <= last.sequence { entries.removeAll(keepingCapacity: true) }
            for entry in received {
                if let last = entries.last, entry.sequence <= last.sequence { entries.removeAll(keepingCapacity: true) }
                entries.append(entry)
            }
            if entries.count > capacity { entries.removeFirst(entries.count - capacity) }
        }
    }

    /// Forgets everything held: the feed's newest sequence in the database is below what is held (it was re-created).
    /// - Parameter latest: The newest sequence number the database holds.
    func observe(latest: Int64) {
        entries.withLock { entries in
            if let last = entries.last, last.sequence > latest { entries.removeAll() }
        }
    }

    /// The changes after `sequence`, oldest first, when the one right after it is held: up to `limit` of them,
    /// stopping at the first gap.
    /// - Parameters:
    ///   - sequence: The last sequence number read.
    ///   - limit: The most changes to return (at least 1).
    /// - Returns: The changes, or `nil` when the change after `sequence` is not held.
    func page(after sequence: Int64, limit: Int) -> [Entry]? {
        entries.withLock { entries -> [Entry]? in
            // Binary search for the first change after `sequence`.
            var low = 0
            var high = entries.count
            while low < high {
                let middle = (low + high) / 2
                if entries[middle].sequence <= sequence { low = middle + 1 } else { high = middle }
            }
            guard low < entries.count, entries[low].sequence == sequence + 1 else { return nil }
            var page = [entries[low]]
            var index = low + 1
            while page.count < limit, index < entries.count, entries[index].sequence == entries[index - 1].sequence + 1
            {
                page.append(entries[index])
                index += 1
            }
            return page
        }
    }
}
