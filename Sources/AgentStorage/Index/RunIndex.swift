import AgentCore
import Foundation

/// The in-memory store's indexes of run records and the rules of every run mutation. The JSON-file store
/// keeps a compact index of its own but applies the same rules (and reuses ``markAbandoned(_:now:)``);
/// ``StoreConformanceSuite`` checks that both behave identically.
///
/// A value type without locking: callers hold their own lock around every use.
package struct RunIndex: Sendable {
    private struct KeyScope: Hashable, Sendable {
        let agent: AgentName
        let key: IdempotencyKey
    }

    private var records: [RunID: RunRecord] = [:]
    /// All run ids in ascending order.
    private var ordered: [RunID] = []
    /// Run ids per agent, ascending.
    private var byAgent: [AgentName: [RunID]] = [:]
    /// Run ids per agent and idempotency key, ascending.
    private var byKey: [KeyScope: [RunID]] = [:]
    /// Ids of queued, running or awaiting-approval runs.
    private var active: Set<RunID> = []

    package init() {}

    package var count: Int { records.count }

    package func record(_ id: RunID) -> RunRecord? { records[id] }

    /// Applies the claim rules of ``RunStore/claimRun(_:)``.
    package mutating func claim(_ claim: RunClaim, now: Date) throws(StoreError) -> RunClaimOutcome {
        let scope = KeyScope(agent: claim.record.agentName, key: claim.record.idempotencyKey)
        guard records[claim.record.id] == nil else {
            throw StoreError(.duplicateRunID, "a run with id \(claim.record.id) already exists")
        }
        let existing = (byKey[scope] ?? []).compactMap { records[$0] }
        if let settled = existing.last(where: { claim.settledStatuses.contains($0.status) }) {
            return .duplicate(of: settled)
        }
        for var record in existing where !record.status.isTerminal {
            if record.hasLiveLease(at: now) { return .inProgress(record) }
            Self.markAbandoned(&record, now: now)
            replace(record)
        }
        var record = claim.record
        record.leaseOwner = claim.owner
        record.leaseExpiresAt = Timestamp.roundedToMilliseconds(
            now.addingTimeInterval(claim.leaseDuration.timeInterval))
        add(record)
        return .claimed(record)
    }

    package mutating func insert(_ record: RunRecord) throws(StoreError) {
        guard records[record.id] == nil else {
            throw StoreError(.duplicateRunID, "a run with id \(record.id) already exists")
        }
        add(record)
    }

    package mutating func update(_ record: RunRecord) throws(StoreError) {
        try validateUpdate(record)
        replace(record)
    }

    /// Checks that `record` may replace the stored version.
    private func validateUpdate(_ record: RunRecord) throws(StoreError) {
        guard let current = records[record.id] else {
            throw StoreError(.runNotFound, "no run with id \(record.id); insert or claim it first")
        }
        guard current.agentName == record.agentName, current.idempotencyKey == record.idempotencyKey else {
            throw StoreError(
                .invalidRecord, "run \(record.id): the agent and idempotency key of a run cannot change")
        }
        guard !current.status.isTerminal || current.status == record.status else {
            throw StoreError(
                .terminalRecordImmutable,
                "run \(record.id) already ended as \(current.status); it cannot become \(record.status)")
        }
    }

    package mutating func renewLease(id: RunID, owner: String, until expiry: Date) throws(StoreError) -> RunRecord {
        guard var record = records[id] else { throw StoreError(.runNotFound, "no run with id \(id)") }
        guard !record.status.isTerminal else {
            throw StoreError(.leaseNotHeld, "run \(id) already ended as \(record.status); its lease is gone")
        }
        guard record.leaseOwner == owner else {
            throw StoreError(
                .leaseNotHeld, "run \(id) is leased by \(record.leaseOwner ?? "nobody"), not by \(owner)")
        }
        record.leaseExpiresAt = expiry
        replace(record)
        return record
    }

    package mutating func abandonExpired(now: Date) -> [RunRecord] {
        var abandoned: [RunRecord] = []
        for id in active.sorted() {
            guard var record = records[id], !record.hasLiveLease(at: now), record.status != .awaitingApproval else {
                continue
            }
            Self.markAbandoned(&record, now: now)
            replace(record)
            abandoned.append(record)
        }
        return abandoned
    }

    package func page(_ query: RunQuery, after cursor: RunID?) -> RunPage {
        let candidates: [RunID]
        if let agent = query.agent {
            candidates = byAgent[agent] ?? []
        } else if let key = query.idempotencyKey {
            candidates = byKey.filter { $0.key.key == key }.values.flatMap { $0 }.sorted()
        } else {
            candidates = ordered
        }
        var end = candidates.count
        if let cursor { end = Self.lowerBound(of: cursor, in: candidates) }
        var results: [RunRecord] = []
        var index = end - 1
        while index >= 0 {
            if let record = records[candidates[index]], query.matches(record) {
                if results.count == query.limit {
                    return RunPage(records: results, nextCursor: results.last.map { .after($0.id) })
                }
                results.append(record)
            }
            index -= 1
        }
        return RunPage(records: results, nextCursor: nil)
    }

    /// Replaces a record in place (its id already exists) and keeps the active set current.
    private mutating func replace(_ record: RunRecord) {
        records[record.id] = record
        if record.status.isTerminal { active.remove(record.id) } else { active.insert(record.id) }
    }

    /// Adds a new record to every index.
    private mutating func add(_ record: RunRecord) {
        records[record.id] = record
        Self.insertSorted(record.id, into: &ordered)
        Self.insertSorted(record.id, into: &byAgent[record.agentName, default: []])
        Self.insertSorted(
            record.id, into: &byKey[KeyScope(agent: record.agentName, key: record.idempotencyKey), default: []])
        if !record.status.isTerminal { active.insert(record.id) }
    }

    package static func markAbandoned(_ record: inout RunRecord, now: Date) {
        let expiry = record.leaseExpiresAt.map(Timestamp.format) ?? "an unknown time"
        record.status = .abandoned
        record.endedAt = Timestamp.roundedToMilliseconds(now)
        record.errorClass = .transient
        record.errorMessage =
            "abandoned: the lease held by \(record.leaseOwner ?? "an unknown owner") expired at \(expiry) without renewal; its process probably stopped"
    }

    private static func lowerBound(of id: RunID, in ids: [RunID]) -> Int {
        var low = 0
        var high = ids.count
        while low < high {
            let middle = (low + high) / 2
            if ids[middle] < id { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private static func insertSorted(_ id: RunID, into ids: inout [RunID]) {
        if let last = ids.last, last < id {
            ids.append(id)
        } else {
            ids.insert(id, at: lowerBound(of: id, in: ids))
        }
    }
}
