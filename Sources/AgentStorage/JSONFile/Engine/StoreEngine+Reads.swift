import AgentCore
import Foundation
import Synchronization

extension StoreEngine {
    /// The stored record of a run, after catching up.
    func run(id: RunID) async throws -> RunRecord? {
        try await synchronizeIfNeeded()
        let (found, missing) = state.withLock { state in
            let slots = state.runs.find(id).map { [$0] } ?? []
            return gather(slots, keys: keys(of: slots, in: state), in: state)
        }
        return try assemble(found, missing: missing).first
    }

    /// One page of runs, newest first, after catching up.
    func queryRuns(_ query: RunQuery) async throws -> RunPage {
        try query.validate()
        let cursor = try query.cursor.map { cursor throws(StoreError) in try cursor.runID() }
        try await synchronizeIfNeeded()
        let keyHash = query.idempotencyKey.map { RunRecordCodec.keyHash($0.rawValue) }
        // Without a key the run after the page only tells that there is a next page: it is not read. With one,
        // the key hash may collide, so the records decide.
        let cachedPage = query.limit <= CachedRunPage.largest ? pages.value(for: query) : nil
        let (hit, found, missing, more, keys) = state.withLock { state in
            let slots = state.runs.select(query, before: cursor, keyHash: keyHash, limit: query.limit + 1)
            let more = keyHash == nil && slots.count > query.limit
            let selected = more ? Array(slots.prefix(query.limit)) : slots
            let keys = self.keys(of: selected, in: state)
            if let cachedPage, cachedPage.more == more, cachedPage.keys.elementsEqual(keys, by: { $0 == $1 }) {
                // The same records at the same places (see RecordBytesKey): the same page.
                return (
                    true, [RunRecord](), [(position: Int, source: RecordSource, key: RecordBytesKey?)](), more, keys
                )
            }
            let (found, missing) = gather(selected, keys: keys, in: state)
            return (false, found, missing, more, keys)
        }
        if hit, let cachedPage { return cachedPage.page }
        var records = try assemble(found, missing: missing)
        let page = Self.page(of: &records, query: query, more: more)
        if query.limit <= CachedRunPage.largest {
            let fileKeys = keys.compactMap { $0 }
            if fileKeys.count == keys.count {
                pages.insert([(key: query, value: CachedRunPage(keys: fileKeys, more: more, page: page))])
            }
        }
        return page
    }

    /// The page of `records` (the selection's, in order): cut to the limit, with the cursor of the next page.
    private static func page(of records: inout [RunRecord], query: RunQuery, more: Bool) -> RunPage {
        if more { return RunPage(records: records, nextCursor: records.last.map { .after($0.id) }) }
        if let key = query.idempotencyKey { records.removeAll { $0.idempotencyKey != key } }
        guard records.count > query.limit else { return RunPage(records: records, nextCursor: nil) }
        records.removeSubrange(query.limit...)
        return RunPage(records: records, nextCursor: records.last.map { .after($0.id) })
    }

    /// Where the records of live slots lie in the files; `nil` for those held in memory. Called under the state lock.
    private func keys(of slots: [Int32], in state: StoreState) -> [RecordBytesKey?] {
        // Most pages lie in one or two segments: their serials are looked up once per run of the same segment.
        var segment: UInt16?
        var serial: UInt64?
        let inMemory = !state.unwritten.isEmpty || !state.active.isEmpty
        return slots.map { slot -> RecordBytesKey? in
            if inMemory, state.unwritten[slot] != nil || state.active[slot] != nil { return nil }
            let entry = state.runs.slots[Int(slot)].location
            if entry.segment != segment {
                segment = entry.segment
                serial = state.segments[entry.segment]?.serial
            }
            guard let serial else { return nil }
            return RecordBytesKey(file: serial, offset: entry.offset, length: entry.length)
        }
    }

    /// The records of live slots that need no disk read (those held in memory and those in ``decoded``), in
    /// order, and where the others lie with their position among all and their cache key. Called under the state
    /// lock (the cache's lock is only ever taken inside it or on its own, never the other way round).
    private func gather(_ slots: [Int32], keys: [RecordBytesKey?], in state: StoreState) -> (
        found: [RunRecord], missing: [(position: Int, source: RecordSource, key: RecordBytesKey?)]
    ) {
        let cached = decoded.values(for: keys)
        var found: [RunRecord] = []
        found.reserveCapacity(slots.count)
        var missing: [(position: Int, source: RecordSource, key: RecordBytesKey?)] = []
        for (position, slot) in slots.enumerated() {
            if let record = state.unwritten[slot] ?? state.active[slot] {
                found.append(record)
            } else if let hit = cached[position] {
                found.append(hit.record)
            } else {
                missing.append((position: position, source: state.source(of: slot), key: keys[position]))
            }
        }
        return (found, missing)
    }

    /// All the records of ``gather(_:keys:in:)``'s answer in order: the missing ones read from the files (outside the
    /// state lock) and remembered in ``decoded``.
    /// - Throws: ``StoreError`` with `io` or `corruptData`.
    private func assemble(
        _ found: consuming [RunRecord], missing: [(position: Int, source: RecordSource, key: RecordBytesKey?)]
    ) throws(StoreError) -> [RunRecord] {
        guard !missing.isEmpty else { return found }
        var records: [RunRecord] = []
        records.reserveCapacity(found.count + missing.count)
        var fresh: [(key: RecordBytesKey, value: CachedRunRecord)] = []
        var nextFound = 0
        var nextMissing = 0
        for position in 0..<(found.count + missing.count) {
            if nextMissing < missing.count, missing[nextMissing].position == position {
                let record = try StoreState.load(missing[nextMissing].source)
                if let key = missing[nextMissing].key { fresh.append((key: key, value: CachedRunRecord(record))) }
                records.append(record)
                nextMissing += 1
            } else {
                records.append(found[nextFound])
                nextFound += 1
            }
        }
        decoded.insert(fresh)
        return records
    }

    /// Reads something from the state after catching up.
    func read<Value: Sendable>(_ body: (StoreState) -> Value) async throws -> Value {
        try await synchronizeIfNeeded()
        return state.withLock { body($0) }
    }
}
