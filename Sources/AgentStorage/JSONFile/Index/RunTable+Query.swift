import AgentCore
import Foundation

extension RunTable {
    /// Live slots that pass a query's filters, newest first.
    ///
    /// The idempotency key is matched by hash only; the caller compares the key text of the records it
    /// reads. Time filters use the id order: a run's id time and its `queuedAt` differ by at most the
    /// deltas the table has seen, which bounds where matches can be.
    /// - Parameters:
    ///   - query: The filters (its cursor and limit are ignored; pass them as `cursor` and `limit`).
    ///   - cursor: Only runs with smaller ids.
    ///   - keyHash: The hash of `query.idempotencyKey`, when it has one.
    ///   - limit: The most slots to return; ignored for key queries, which return every candidate.
    /// - Returns: Slots, newest first.
    /// - Complexity: O(log n + scanned) per list; a filtered page usually scans little more than its rows.
    func select(_ query: RunQuery, before cursor: RunID?, keyHash: UInt64?, limit: Int) -> [Int32] {
        var agentFilter: UInt32?
        if let agent = query.agent {
            guard let index = agentIndex(of: agent) else { return [] }
            agentFilter = index
        }
        var statusMask: UInt16 = 0x3FF
        var statusOrdinals: [UInt8]?
        if let statuses = query.statuses {
            let ordinals = statuses.map(Self.ordinal).sorted()
            statusMask = ordinals.reduce(0) { $0 | 1 << UInt16($1) }
            statusOrdinals = ordinals
        }
        guard statusMask != 0, !order.isEmpty else { return [] }
        var upper = cursor
        if let before = query.queuedBefore {
            let bound = RunID(
                earliestAt: Self.milliseconds(before, rounding: .up).subtractingClamped(minimumDelta))
            upper = upper.map { min($0, bound) } ?? bound
        }
        var lowestTime = Int64.min
        if let since = query.queuedSince {
            lowestTime = Self.milliseconds(since, rounding: .down).subtractingClamped(maximumDelta)
        }
        let slots = self.slots
        func matches(_ slot: RunSlot) -> Bool {
            if let agentFilter, slot.agent != agentFilter { return false }
            if statusMask & (1 << UInt16(slot.status)) == 0 { return false }
            if let keyHash, slot.keyHash != keyHash { return false }
            if query.queuedSince != nil || query.queuedBefore != nil {
                let queuedAt = JSONScanner.date(milliseconds: slot.queuedAt)
                if let since = query.queuedSince, queuedAt < since { return false }
                if let before = query.queuedBefore, queuedAt >= before { return false }
            }
            return true
        }

        if let keyHash {
            var result: [Int32] = []
            var slot = headOfKey(keyHash)
            while slot >= 0 {
                let entry = slots[Int(slot)]
                if upper.map({ entry.id < $0 }) ?? true, matches(entry) { result.append(slot) }
                slot = entry.nextSameKey
            }
            return result.sorted { slots[Int($0)].id > slots[Int($1)].id }
        }

        var lists: [[Int32]]
        if let agentFilter, let statusOrdinals {
            let byStatusCount = statusOrdinals.reduce(0) { $0 + statusList($1).count }
            let agentList = agentList(agentFilter)
            lists = agentList.count <= byStatusCount ? [agentList] : statusOrdinals.map(statusList)
        } else if let agentFilter {
            lists = [agentList(agentFilter)]
        } else if let statusOrdinals {
            lists = statusOrdinals.map(statusList)
        } else {
            lists = [order]
        }
        var positions = lists.map { list in
            (upper.map { Self.lowerBound($0, in: list, slots: slots) } ?? list.count) - 1
        }
        var result: [Int32] = []
        result.reserveCapacity(min(limit, 1024))
        while result.count < limit {
            var best = -1
            var bestID = RunID(high: 0, low: 0)
            for (index, position) in positions.enumerated() where position >= 0 {
                let id = slots[Int(lists[index][position])].id
                if best < 0 || id > bestID {
                    best = index
                    bestID = id
                }
            }
            guard best >= 0, bestID.milliseconds >= lowestTime else { break }
            let slot = lists[best][positions[best]]
            positions[best] -= 1
            if matches(slots[Int(slot)]) { result.append(slot) }
        }
        return result
    }

    /// Terminal runs that a retention policy removes: those queued before `cutoff`, and those older than
    /// the newest `keepPerAgent` runs of their agent. Queued and running runs are never removed.
    func retentionVictims(queuedBefore cutoff: Int64?, keepPerAgent: Int?) -> [Int32] {
        guard cutoff != nil || keepPerAgent != nil else { return [] }
        var victims: [Int32] = []
        for agent in 0..<agentNames.count {
            let list = agentList(UInt32(agent))
            for (index, slot) in list.enumerated() {
                let entry = slots[Int(slot)]
                guard Self.status(entry.status).isTerminal else { continue }
                let beyondCount = keepPerAgent.map { list.count - index > $0 } ?? false
                let tooOld = cutoff.map { entry.queuedAt < $0 } ?? false
                if beyondCount || tooOld { victims.append(slot) }
            }
        }
        return victims
    }

    /// Milliseconds since the epoch of a date, rounded as asked and clamped to a safe range.
    static func milliseconds(_ date: Date, rounding: FloatingPointRoundingRule) -> Int64 {
        let value = (date.timeIntervalSince1970 * 1000).rounded(rounding)
        guard value.isFinite else { return value < 0 ? -(1 << 53) : 1 << 53 }
        return Int64(max(-9.0e15, min(9.0e15, value)))
    }
}

extension Int64 {
    /// `self - other`, clamped instead of overflowing.
    fileprivate func subtractingClamped(_ other: Int64) -> Int64 {
        let (result, overflow) = subtractingReportingOverflow(other)
        guard overflow else { return result }
        return other < 0 ? .max : .min
    }
}
