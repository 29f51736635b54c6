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
        return try StoreState.load(source)
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
        var records: [RunRecord] = []
        records.reserveCapacity(min(sources.count, query.limit + 1))
        for source in sources {
            let record = try StoreState.load(source)
            if let key = query.idempotencyKey, record.idempotencyKey != key { continue }
            records.append(record)
            if records.count > query.limit { break }
        }
        guard records.count > query.limit else { return RunPage(records: records, nextCursor: nil) }
        records.removeLast()
        return RunPage(records: records, nextCursor: records.last.map { .after($0.id) })
    }

    /// Reads something from the state after catching up.
    func read<Value: Sendable>(_ body: (StoreState) -> Value) async throws -> Value {
        try await synchronizeIfNeeded()
        return state.withLock { body($0) }
    }
}
