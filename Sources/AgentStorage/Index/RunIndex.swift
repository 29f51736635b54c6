import AgentCore
import Foundation

/// The in-memory store's indexes of run records and the rules of every run mutation. The JSON-file store
/// keeps a compact index of its own but applies the same rules (and reuses ``markAbandoned(_:now:)``);
/// ``StoreConformanceSuite`` checks that both behave identically.
///
/// Records are appended to ``SlotRecords``; a record's position there is its *slot*, which never changes
/// because runs are never removed. Two ``SlotTable``s find a slot by run id and by agent and idempotency
/// key (the runs sharing a key are chained oldest first), the lists that paging walks hold slots in run-id
/// order, and ``ActiveRuns`` holds the slots that sweeps for expired leases visit. A change is checked by
/// reading the stored record in place, never by copying it.
///
/// A value type without locking: callers hold their own lock around every use.
package struct RunIndex: Sendable {
    /// Runs that reached a terminal status since ``takeEndedRuns()`` was last called, for the change feed.
    private var endedRuns: [StoreChange.Kind] = []

    /// Hands over (and forgets) the runs that ended since the last call, as change-feed entries.
    /// - Returns: One ``StoreChange/Kind/runEnded(id:agent:status:)`` per run, in the order they ended.
    package mutating func takeEndedRuns() -> [StoreChange.Kind] {
        guard !endedRuns.isEmpty else { return [] }
        defer { endedRuns.removeAll(keepingCapacity: true) }
        return endedRuns
    }

    /// Every record, by slot.
    private var records = SlotRecords()
    /// The slot of every run id, under ``hash(of:)``.
    private var slotsByID = SlotTable()
    /// For every agent and idempotency key, under ``hash(agent:key:)``, the slot of the oldest run with them.
    private var oldestByKey = SlotTable()
    /// For every slot, the slot of the next newer run with the same agent and key, or -1.
    private var newerWithSameKey: [Int32] = []
    /// All slots, in run-id order.
    private var ordered: [Int32] = []
    /// The number of every agent: its position in ``slotsByAgent``.
    private var agentNumbers: [AgentName: Int] = [:]
    /// The slots of every agent, in run-id order.
    private var slotsByAgent: [[Int32]] = []
    /// The slots of the queued, running and awaiting-approval runs.
    private var active = ActiveRuns()
    /// Keys for ``hash(of:)``, random per process like `Hasher`'s seed, so which run ids collide cannot be
    /// predicted.
    private let idSeeds: (UInt64, UInt64)

    /// Creates an empty index.
    package init() {
        var first = Hasher()
        first.combine(1)
        var second = Hasher()
        second.combine(2)
        idSeeds = (UInt64(UInt(bitPattern: first.finalize())), UInt64(UInt(bitPattern: second.finalize())))
    }

    /// The number of records.
    package var count: Int { records.count }

    /// The record of a run.
    /// - Parameter id: The run id.
    /// - Returns: The record, or `nil` when there is none.
    /// - Complexity: O(1).
    package func record(_ id: RunID) -> RunRecord? {
        slot(of: id, hash: hash(of: id)).map { records[$0] }
    }

    /// Applies the claim rules of ``RunStore/claimRun(_:)``.
    /// - Parameters:
    ///   - claim: The run to create and its lease.
    ///   - now: The store's current time, for leases.
    /// - Returns: Whether the caller may run it.
    /// - Throws: ``StoreError`` with ``StoreError/Code/duplicateRunID`` if the run id exists.
    /// - Complexity: O(1) amortized for a run id newer than every stored one (O(n) otherwise, to keep run-id
    ///   order), plus O(k) for the k earlier runs with the same agent and key.
    package mutating func claim(_ claim: RunClaim, now: Date) throws(StoreError) -> RunClaimOutcome {
        let agent = claim.record.agentName
        let key = claim.record.idempotencyKey
        let idHash = hash(of: claim.record.id)
        let keyHash = Self.hash(agent: agent, key: key)
        // In a large index both lookups miss the processor's caches; made back to back, they overlap.
        let existing = slot(of: claim.record.id, hash: idHash)
        let oldest = oldestSlot(agent: agent, key: key, hash: keyHash)
        guard existing == nil else {
            throw StoreError(.duplicateRunID, "a run with id \(claim.record.id) already exists")
        }
        if let oldest, let outcome = settleEarlierRuns(from: oldest, for: claim, now: now) { return outcome }
        var record = claim.record
        record.leaseOwner = claim.owner
        record.leaseExpiresAt = Timestamp.roundedToMilliseconds(
            now.addingTimeInterval(claim.leaseDuration.timeInterval))
        append(record, idHash: idHash, keyHash: keyHash, oldestWithKey: oldest)
        return .claimed(record)
    }

    /// Inserts a record without the idempotency check, as ``RunStore/insertRun(_:)``.
    /// - Parameter record: The record.
    /// - Throws: ``StoreError`` with ``StoreError/Code/duplicateRunID`` if the run id exists.
    /// - Complexity: O(1) amortized for a run id newer than every stored one, O(n) otherwise.
    package mutating func insert(_ record: RunRecord) throws(StoreError) {
        let idHash = hash(of: record.id)
        guard slot(of: record.id, hash: idHash) == nil else {
            throw StoreError(.duplicateRunID, "a run with id \(record.id) already exists")
        }
        let keyHash = Self.hash(agent: record.agentName, key: record.idempotencyKey)
        let oldest = oldestSlot(agent: record.agentName, key: record.idempotencyKey, hash: keyHash)
        append(record, idHash: idHash, keyHash: keyHash, oldestWithKey: oldest)
    }

    /// Replaces a stored record, as ``RunStore/updateRun(_:)``: the agent and key never change, and a terminal
    /// record keeps its status.
    /// - Parameter record: The new version of the record.
    /// - Throws: ``StoreError`` with ``StoreError/Code/runNotFound``, ``StoreError/Code/invalidRecord`` or
    ///   ``StoreError/Code/terminalRecordImmutable``.
    /// - Complexity: O(1).
    package mutating func update(_ record: RunRecord) throws(StoreError) {
        guard let slot = slot(of: record.id, hash: hash(of: record.id)) else {
            throw StoreError(.runNotFound, "no run with id \(record.id); insert or claim it first")
        }
        guard records[slot].agentName == record.agentName, records[slot].idempotencyKey == record.idempotencyKey
        else {
            throw StoreError(
                .invalidRecord, "run \(record.id): the agent and idempotency key of a run cannot change")
        }
        let status = records[slot].status
        guard !status.isTerminal || status == record.status else {
            throw StoreError(
                .terminalRecordImmutable,
                "run \(record.id) already ended as \(status); it cannot become \(record.status)")
        }
        records[slot] = record
        active.set(slot, isActive: !record.status.isTerminal)
        if record.status.isTerminal, !status.isTerminal {
            endedRuns.append(.runEnded(id: record.id, agent: record.agentName, status: record.status))
        }
    }

    /// Extends the lease of a non-terminal run held by `owner`, as ``RunStore/renewRunLease(id:owner:duration:)``.
    /// - Parameters:
    ///   - id: The run id.
    ///   - owner: The lease owner.
    ///   - expiry: The new end of the lease.
    /// - Returns: The updated record.
    /// - Throws: ``StoreError`` with ``StoreError/Code/runNotFound`` or ``StoreError/Code/leaseNotHeld``.
    /// - Complexity: O(1).
    package mutating func renewLease(id: RunID, owner: String, until expiry: Date) throws(StoreError) -> RunRecord {
        guard let slot = slot(of: id, hash: hash(of: id)) else {
            throw StoreError(.runNotFound, "no run with id \(id)")
        }
        let status = records[slot].status
        guard !status.isTerminal else {
            throw StoreError(.leaseNotHeld, "run \(id) already ended as \(status); its lease is gone")
        }
        guard records[slot].leaseOwner == owner else {
            throw StoreError(
                .leaseNotHeld, "run \(id) is leased by \(records[slot].leaseOwner ?? "nobody"), not by \(owner)")
        }
        records[slot].leaseExpiresAt = expiry
        return records[slot]
    }

    /// Sets `notifiedAt` on a terminal run that has none, as ``RunStore/markRunNotified(id:)``.
    /// - Parameters:
    ///   - id: The run id.
    ///   - now: The store's current time.
    /// - Returns: The updated record, or `nil` when the run is unknown, not terminal or already notified.
    /// - Complexity: O(1).
    package mutating func markNotified(id: RunID, now: Date) -> RunRecord? {
        guard let slot = slot(of: id, hash: hash(of: id)) else { return nil }
        guard records[slot].status.isTerminal, records[slot].notifiedAt == nil else { return nil }
        records[slot].notifiedAt = Timestamp.roundedToMilliseconds(now)
        return records[slot]
    }

    /// Marks every queued or running run whose lease has ended as abandoned, as
    /// ``RunStore/abandonExpiredRuns()``; runs awaiting approval are left alone.
    /// - Parameter now: The store's current time.
    /// - Returns: The abandoned records, in run-id order.
    /// - Complexity: O(a log a) for the a non-terminal runs; finished runs are not visited.
    package mutating func abandonExpired(now: Date) -> [RunRecord] {
        var expired = active.slots.filter { slot in
            !records[slot].hasLiveLease(at: now) && records[slot].status != .awaitingApproval
        }
        expired.sort { records[$0].id < records[$1].id }
        var abandoned: [RunRecord] = []
        abandoned.reserveCapacity(expired.count)
        for slot in expired {
            Self.markAbandoned(&records[slot], now: now)
            active.set(slot, isActive: false)
            abandoned.append(records[slot])
            endedRuns.append(.runEnded(id: records[slot].id, agent: records[slot].agentName, status: .abandoned))
        }
        return abandoned
    }

    /// One page of runs, newest first, as ``RunStore/queryRuns(_:)``.
    /// - Parameters:
    ///   - query: Filters and page size (its cursor is ignored).
    ///   - cursor: The run the page continues after, if any.
    /// - Returns: The page, with a cursor when more runs match.
    /// - Complexity: O(log n + m) for the m runs visited; a key filter without an agent first looks the key
    ///   up under every agent.
    package func page(_ query: RunQuery, after cursor: RunID?) -> RunPage {
        let candidates: [Int32]
        if let agent = query.agent {
            candidates = agentNumbers[agent].map { slotsByAgent[$0] } ?? []
        } else if let key = query.idempotencyKey {
            candidates = slots(withKey: key)
        } else {
            candidates = ordered
        }
        var end = candidates.count
        if let cursor { end = Self.lowerBound(of: cursor, in: candidates, records: records) }
        var results: [RunRecord] = []
        var index = end - 1
        while index >= 0 {
            let slot = candidates[index]
            if query.matches(records[slot]) {
                if results.count == query.limit {
                    return RunPage(records: results, nextCursor: results.last.map { .after($0.id) })
                }
                results.append(records[slot])
            }
            index -= 1
        }
        return RunPage(records: results, nextCursor: nil)
    }

    /// Marks a record abandoned: its lease expired while it was not finished.
    /// - Parameters:
    ///   - record: The record to change.
    ///   - now: The store's current time, the run's end.
    package static func markAbandoned(_ record: inout RunRecord, now: Date) {
        record.markAbandoned(at: now)
    }

    // MARK: Lookup

    /// The hash of a run id in ``slotsByID``: a 128-bit product of its two halves, keyed by ``idSeeds``.
    /// - Parameter id: The run id.
    /// - Returns: The hash.
    private func hash(of id: RunID) -> UInt32 {
        let product = (id.low ^ idSeeds.0).multipliedFullWidth(by: id.high ^ idSeeds.1)
        let folded = product.high ^ product.low
        return UInt32(truncatingIfNeeded: folded ^ folded >> 32)
    }

    /// The hash of an agent and idempotency key in ``oldestByKey``.
    /// - Parameters:
    ///   - agent: The agent.
    ///   - key: The key.
    /// - Returns: The hash.
    private static func hash(agent: AgentName, key: IdempotencyKey) -> UInt32 {
        var hasher = Hasher()
        hasher.combine(agent.rawValue)
        hasher.combine(key.rawValue)
        return UInt32(truncatingIfNeeded: hasher.finalize())
    }

    /// The slot of a run id.
    /// - Parameters:
    ///   - id: The run id.
    ///   - hash: Its ``hash(of:)``.
    /// - Returns: The slot, or `nil` when the run is unknown.
    private func slot(of id: RunID, hash: UInt32) -> Int32? {
        slotsByID.slot(hash: hash) { records[$0].id == id }
    }

    /// The slot of the oldest run with an agent and idempotency key.
    /// - Parameters:
    ///   - agent: The agent.
    ///   - key: The key.
    ///   - hash: Their ``hash(agent:key:)``.
    /// - Returns: The slot, or `nil` when no run has them.
    private func oldestSlot(agent: AgentName, key: IdempotencyKey, hash: UInt32) -> Int32? {
        oldestByKey.slot(hash: hash) { records[$0].agentName == agent && records[$0].idempotencyKey == key }
    }

    /// The slots of every run with an idempotency key, whatever its agent, in run-id order.
    /// - Parameter key: The key.
    /// - Returns: The slots.
    private func slots(withKey key: IdempotencyKey) -> [Int32] {
        var result: [Int32] = []
        for agent in agentNumbers.keys {
            var slot = oldestSlot(agent: agent, key: key, hash: Self.hash(agent: agent, key: key)) ?? -1
            while slot >= 0 {
                result.append(slot)
                slot = newerWithSameKey[Int(slot)]
            }
        }
        return result.sorted { records[$0].id < records[$1].id }
    }

    /// The number of an agent, adding the agent when it is new.
    /// - Parameter name: The agent.
    /// - Returns: Its position in ``slotsByAgent``.
    private mutating func agentNumber(_ name: AgentName) -> Int {
        if let number = agentNumbers[name] { return number }
        agentNumbers[name] = slotsByAgent.count
        slotsByAgent.append([])
        return slotsByAgent.count - 1
    }

    // MARK: Changes

    /// Applies the claim rules to the earlier runs with the claim's agent and key: a settled one makes the
    /// claim a duplicate of the newest settled one, a live one makes it in progress, and expired non-terminal
    /// ones are abandoned on the way (oldest first, up to a live one).
    /// - Parameters:
    ///   - oldest: The slot of the oldest earlier run; the others follow in ``newerWithSameKey``.
    ///   - claim: The claim.
    ///   - now: The store's current time.
    /// - Returns: The outcome when the claim is not granted, `nil` when it is.
    private mutating func settleEarlierRuns(from oldest: Int32, for claim: RunClaim, now: Date) -> RunClaimOutcome? {
        var newestSettled: Int32?
        var slot = oldest
        while slot >= 0 {
            if claim.settledStatuses.contains(records[slot].status) { newestSettled = slot }
            slot = newerWithSameKey[Int(slot)]
        }
        if let newestSettled { return .duplicate(of: records[newestSettled]) }
        slot = oldest
        while slot >= 0 {
            if !records[slot].status.isTerminal {
                // A run awaiting approval holds no lease but is never abandoned: it is in progress until decided.
                if records[slot].hasLiveLease(at: now) || records[slot].status == .awaitingApproval {
                    return .inProgress(records[slot])
                }
                Self.markAbandoned(&records[slot], now: now)
                active.set(slot, isActive: false)
                endedRuns.append(.runEnded(id: records[slot].id, agent: records[slot].agentName, status: .abandoned))
            }
            slot = newerWithSameKey[Int(slot)]
        }
        return nil
    }

    /// Stores a new record in the next slot and adds the slot to every index.
    /// - Parameters:
    ///   - record: The record, whose run id is new.
    ///   - idHash: The ``hash(of:)`` of its run id.
    ///   - keyHash: The ``hash(agent:key:)`` of its agent and key.
    ///   - oldest: The slot of the oldest earlier run with its agent and key, if any.
    private mutating func append(
        _ record: RunRecord, idHash: UInt32, keyHash: UInt32, oldestWithKey oldest: Int32?
    ) {
        let slot = records.nextSlot
        records.append(record)
        if record.status.isTerminal {
            endedRuns.append(.runEnded(id: record.id, agent: record.agentName, status: record.status))
        }
        newerWithSameKey.append(-1)
        slotsByID.insert(hash: idHash, slot: slot)
        Self.insertInIDOrder(slot, into: &ordered, records: records)
        let agent = agentNumber(record.agentName)
        Self.insertInIDOrder(slot, into: &slotsByAgent[agent], records: records)
        if let oldest {
            linkSameKey(slot, oldest: oldest, keyHash: keyHash)
        } else {
            oldestByKey.insert(hash: keyHash, slot: slot)
        }
        active.set(slot, isActive: !record.status.isTerminal)
    }

    /// Adds a slot to the chain of runs with its agent and key, keeping run-id order.
    /// - Parameters:
    ///   - slot: The new slot.
    ///   - oldest: The slot at the head of the chain.
    ///   - keyHash: The chain's ``hash(agent:key:)``.
    private mutating func linkSameKey(_ slot: Int32, oldest: Int32, keyHash: UInt32) {
        let id = records[slot].id
        if id < records[oldest].id {
            newerWithSameKey[Int(slot)] = oldest
            oldestByKey.replace(hash: keyHash, slot: oldest, with: slot)
            return
        }
        var previous = oldest
        var next = newerWithSameKey[Int(oldest)]
        while next >= 0, records[next].id < id {
            previous = next
            next = newerWithSameKey[Int(next)]
        }
        newerWithSameKey[Int(slot)] = next
        newerWithSameKey[Int(previous)] = slot
    }

    /// The position of the first slot in `list` whose run id is not less than `id`.
    /// - Parameters:
    ///   - id: The run id.
    ///   - list: Slots in run-id order.
    ///   - records: The records the slots refer to.
    /// - Returns: The position, `list.count` when every run id is less.
    /// - Complexity: O(log n).
    private static func lowerBound(of id: RunID, in list: [Int32], records: SlotRecords) -> Int {
        var low = 0
        var high = list.count
        while low < high {
            let middle = (low + high) / 2
            if records[list[middle]].id < id { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Adds a slot to a list kept in run-id order.
    /// - Parameters:
    ///   - slot: The slot, whose record is stored.
    ///   - list: Slots in run-id order.
    ///   - records: The records the slots refer to.
    /// - Complexity: O(1) amortized when the slot's run id is the largest (the usual case), O(n) otherwise.
    private static func insertInIDOrder(_ slot: Int32, into list: inout [Int32], records: SlotRecords) {
        let id = records[slot].id
        if let last = list.last, records[last].id > id {
            list.insert(slot, at: lowerBound(of: id, in: list, records: records))
        } else {
            list.append(slot)
        }
    }
}
