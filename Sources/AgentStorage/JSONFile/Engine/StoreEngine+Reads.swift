import AgentCore
import Foundation
import Synchronization

extension StoreEngine {
    /// The stored record of a run, after catching up.
    func run(id: RunID) async throws -> RunRecord? {
        try await synchronizeIfNeeded()
        let source: RecordSource? = state.withLock { state in
            state.runs.find(id).map { state.source(of: $0) }
        }
        guard let source else { return nil }
        return try load([source])[0]
    }

    /// One page of runs, newest first, after catching up.
    func queryRuns(_ query: RunQuery) async throws -> RunPage {
        try query.validate()
        let cursor = try query.cursor.map { cursor throws(StoreError) in try cursor.runID() }
        try await synchronizeIfNeeded()
        let keyHash = query.idempotencyKey.map { RunRecordCodec.keyHash($0.rawValue) }
        let sources = state.withLock { state in
            state.runs.select(query, before: cursor, keyHash: keyHash, limit: query.limit + 1).map {
                state.source(of: $0)
            }
        }
        var records: [RunRecord]
        if let key = query.idempotencyKey {
            // The key hash may collide: the records decide.
            records = try load(sources).filter { $0.idempotencyKey == key }
        } else {
            // The run after the page only tells that there is a next page; it need not be read.
            records = try load(Array(sources.prefix(query.limit)))
            if sources.count > query.limit {
                return RunPage(records: records, nextCursor: records.last.map { .after($0.id) })
            }
        }
        guard records.count > query.limit else { return RunPage(records: records, nextCursor: nil) }
        records.removeSubrange(query.limit...)
        return RunPage(records: records, nextCursor: records.last.map { .after($0.id) })
    }

    /// Reads records from memory, the decoded-record cache or the files (remembering what was decoded).
    /// - Throws: ``StoreError`` with `io` or `corruptData`.
    func load(_ sources: [RecordSource]) throws(StoreError) -> [RunRecord] {
        let keys = sources.map(RecordBytesKey.init)
        let cached = decoded.values(for: keys)
        var records: [RunRecord] = []
        records.reserveCapacity(sources.count)
        var fresh: [(key: RecordBytesKey, value: CachedRunRecord)] = []
        for index in sources.indices {
            if let hit = cached[index] {
                records.append(hit.record)
            } else {
                let record = try StoreState.load(sources[index])
                if let key = keys[index] { fresh.append((key: key, value: CachedRunRecord(record))) }
                records.append(record)
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
