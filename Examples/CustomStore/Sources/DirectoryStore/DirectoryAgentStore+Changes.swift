import AgentCore
import Foundation

extension DirectoryAgentStore {
    /// How many changes the feed keeps; a reader further behind is told it missed changes.
    static let keptChanges = 1_000

    // MARK: Writing the feed (under the lock)

    /// The sequence numbers of the kept changes, oldest first. Call it under the lock.
    func changeSequences() throws -> [UInt64] {
        let folder = directory.appendingPathComponent("changes")
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        } catch {
            throw StoreError(.io, "cannot list \(folder.path): \(error)")
        }
        return names.compactMap { $0.hasSuffix(".json") ? UInt64($0.dropLast(5)) : nil }.sorted()
    }

    func changeURL(_ sequence: UInt64) -> URL {
        // Zero-padded, so the names sort like the numbers.
        let digits = String(sequence)
        let name = String(repeating: "0", count: max(0, 20 - digits.count)) + digits
        return directory.appendingPathComponent("changes").appendingPathComponent(name + ".json")
    }

    /// Appends a change with the next sequence number and forgets the oldest beyond ``keptChanges``. Call it under
    /// the lock, in the same step as the write it describes, so every process sees one numbering.
    func appendChange(_ kind: StoreChange.Kind) throws {
        var sequences = try changeSequences()
        let next = (sequences.last ?? 0) + 1
        try write(ChangeFile(StoreChange(sequence: next, kind: kind)), to: changeURL(next))
        sequences.append(next)
        for old in sequences.dropLast(Self.keptChanges) { try delete(changeURL(old)) }
    }

    /// Appends a ``StoreChange/Kind/runEnded(id:agent:status:)`` change when `record` is terminal and its previous
    /// version (if any) was not. Call it under the lock.
    func noteEnd(of record: RunRecord, previous: RunRecord?) throws {
        guard record.status.isTerminal, !(previous?.status.isTerminal ?? false) else { return }
        try appendChange(.runEnded(id: record.id, agent: record.agentName, status: record.status))
    }

    // MARK: Reading the feed

    /// The cursor after the newest change.
    /// - Returns: The cursor.
    /// - Throws: ``StoreError`` when the folder cannot be listed.
    public func latestChangeCursor() async throws -> ChangeCursor {
        try await locked { [self] in ChangeCursor(sequence: try changeSequences().last ?? 0) }
    }

    /// The changes after a cursor, oldest first.
    /// - Parameters:
    ///   - cursor: The last change read.
    ///   - limit: The most changes to return (at least 1).
    /// - Returns: The page; `missedChanges` when changes after the cursor were already forgotten.
    /// - Throws: ``StoreError`` with ``StoreError/Code/invalidQuery`` for a limit below 1.
    public func changes(after cursor: ChangeCursor, limit: Int) async throws -> ChangePage {
        guard limit >= 1 else {
            throw StoreError(.invalidQuery, "a change page needs a limit of at least 1, not \(limit)")
        }
        return try await locked { [self] in
            let sequences = try changeSequences()
            let last = sequences.last ?? 0
            // A cursor from the future: the store was re-created. Start over from the newest change.
            guard cursor.sequence <= last else {
                return ChangePage(changes: [], cursor: ChangeCursor(sequence: last), missedChanges: true)
            }
            let newer = sequences.filter { $0 > cursor.sequence }
            let missed = newer.first.map { $0 > cursor.sequence + 1 } ?? false
            var changes: [StoreChange] = []
            for sequence in newer.prefix(limit) {
                guard let change = try read(ChangeFile.self, at: changeURL(sequence))?.change else {
                    throw StoreError(.corruptData, "\(changeURL(sequence).path) holds no change")
                }
                changes.append(change)
            }
            return ChangePage(changes: changes, cursor: changes.last?.cursor ?? cursor, missedChanges: missed)
        }
    }

    /// Returns once the feed holds a change after `cursor`.
    ///
    /// This simple store polls: it looks at the newest sequence number every 100 ms of real time (not the
    /// injected clock, which tests stop), so a change by any process wakes the caller within about 100 ms. A
    /// production store would rather be told (PostgreSQL's `LISTEN`/`NOTIFY`, or a wake-up from its own writes).
    /// - Parameter cursor: The last change read.
    /// - Throws: `CancellationError` when the task is cancelled.
    public func waitForChanges(after cursor: ChangeCursor) async throws {
        while try await latestChangeCursor() <= cursor {
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
