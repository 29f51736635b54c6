import AgentCore
import Foundation

/// Where a record's JSON object lies on disk: which open file (segment), at which byte, how long.
struct RecordLocation: Hashable, Sendable {
    /// The open file, by its number in ``StoreState/segments``.
    var segment: UInt16
    /// The byte where the object starts.
    var offset: Int64
    /// The object's length in bytes.
    var length: UInt32
}

/// One run in the in-memory table: the fields the indexes need and where the full record lies. 56 bytes
/// per run, instead of the kilobyte or so a decoded ``RunRecord`` takes.
struct RunSlot: Sendable {
    /// The run id.
    var id: RunID
    /// When the run was queued, in milliseconds since the epoch.
    var queuedAt: Int64
    /// The hash of the idempotency key.
    var keyHash: UInt64
    /// Where the record's object starts.
    var offset: Int64
    /// The object's length.
    var length: UInt32
    /// The agent, as an index into ``RunTable/agentNames``.
    var agent: UInt32
    /// The next older slot with the same key hash, or -1.
    var nextSameKey: Int32
    /// The open file the record is in.
    var segment: UInt16
    /// The status ordinal, or ``RunTable/removedStatus`` for a slot freed by retention.
    var status: UInt8

    /// Where the record lies.
    var location: RecordLocation {
        get { RecordLocation(segment: segment, offset: offset, length: length) }
        set {
            segment = newValue.segment
            offset = newValue.offset
            length = newValue.length
        }
    }
}

/// Every run of the store as compact slots, with sorted indexes for newest-first queries by agent, by
/// status and by time, and a hash chain per idempotency key for the claim.
///
/// A value type without locking: the store holds it inside its state lock. Slot numbers are stable for
/// the life of the table; retention marks slots removed rather than moving others.
struct RunTable: Sendable {
    /// The status value of a removed slot.
    static let removedStatus: UInt8 = 0xFF

    /// All slots, live and removed, in insertion order.
    private(set) var slots: [RunSlot] = []
    /// Live slots ordered by run id, oldest first.
    private(set) var order: [Int32] = []
    /// Live slots per agent, ordered by run id.
    private var byAgent: [[Int32]] = []
    /// Live slots per status ordinal, ordered by run id.
    private var byStatus: [[Int32]] = Array(repeating: [], count: RunStatus.allCases.count)
    /// The newest-inserted slot per key hash.
    private var keyHeads: [UInt64: Int32] = [:]
    /// Agent names by index.
    private(set) var agentNames: [AgentName] = []
    private var agentIndex: [String: UInt32] = [:]
    /// The smallest and largest `queuedAt - id time` seen, so time filters can bound the id range.
    private(set) var minimumDelta: Int64 = .max
    private(set) var maximumDelta: Int64 = .min

    /// The number of live runs.
    var count: Int { order.count }

    /// Reserves room for `count` more runs.
    mutating func reserve(_ count: Int) {
        slots.reserveCapacity(slots.count + count)
        order.reserveCapacity(order.count + count)
        keyHeads.reserveCapacity(keyHeads.count + count)
    }

    // MARK: Agents and statuses

    /// The index of an agent, adding it when new.
    mutating func intern(_ agent: AgentName) -> UInt32 {
        if let index = agentIndex[agent.rawValue] { return index }
        let index = UInt32(agentNames.count)
        agentNames.append(agent)
        agentIndex[agent.rawValue] = index
        byAgent.append([])
        return index
    }

    /// The index of an agent given as stored text, validating the name when it is new.
    mutating func intern(_ text: String) throws(AgentNameError) -> UInt32 {
        if let index = agentIndex[text] { return index }
        return intern(try AgentName(text))
    }

    /// The index of an agent, if any run of it was ever stored.
    func agentIndex(of agent: AgentName) -> UInt32? { agentIndex[agent.rawValue] }

    /// A status's ordinal.
    static func ordinal(_ status: RunStatus) -> UInt8 {
        switch status {
        case .queued: 0
        case .running: 1
        case .succeeded: 2
        case .failed: 3
        case .noOp: 4
        case .cancelled: 5
        case .timedOut: 6
        case .skipped: 7
        case .awaitingApproval: 8
        case .abandoned: 9
        case .rejected: 10
        }
    }

    /// The status of an ordinal.
    static func status(_ ordinal: UInt8) -> RunStatus {
        [
            .queued, .running, .succeeded, .failed, .noOp, .cancelled, .timedOut, .skipped, .awaitingApproval,
            .abandoned, .rejected,
        ][
            Int(ordinal)]
    }

    // MARK: Lookup

    /// The slot of a run id.
    /// - Complexity: O(1) for the newest run, O(log n) otherwise.
    func find(_ id: RunID) -> Int32? {
        guard let last = order.last else { return nil }
        let newest = slots[Int(last)].id
        if id == newest { return last }
        if id > newest { return nil }
        let index = lowerBound(id, in: order)
        guard index < order.count, slots[Int(order[index])].id == id else { return nil }
        return order[index]
    }

    /// Live slots of one agent whose key hash matches, oldest first.
    func sameKey(_ keyHash: UInt64, agent: UInt32) -> [Int32] {
        var result: [Int32] = []
        var slot = keyHeads[keyHash] ?? -1
        while slot >= 0 {
            let entry = slots[Int(slot)]
            if entry.agent == agent, entry.keyHash == keyHash { result.append(slot) }
            slot = entry.nextSameKey
        }
        return result.sorted { slots[Int($0)].id < slots[Int($1)].id }
    }

    /// Live slots of one agent, by run id.
    func agentList(_ agent: UInt32) -> [Int32] { byAgent[Int(agent)] }

    /// Live slots in one status, by run id.
    func statusList(_ ordinal: UInt8) -> [Int32] { byStatus[Int(ordinal)] }

    /// The newest-inserted slot with a key hash, or -1.
    func headOfKey(_ keyHash: UInt64) -> Int32 { keyHeads[keyHash] ?? -1 }

    /// The status of a live slot.
    func status(of slot: Int32) -> RunStatus { Self.status(slots[Int(slot)].status) }

    private func lowerBound(_ id: RunID, in list: [Int32]) -> Int {
        Self.lowerBound(id, in: list, slots: slots)
    }

    // MARK: Changes

    /// Adds a run.
    /// - Returns: Its slot.
    mutating func insert(
        id: RunID, agent: UInt32, status: RunStatus, queuedAt: Int64, keyHash: UInt64, location: RecordLocation
    ) -> Int32 {
        let slot = Int32(slots.count)
        let previous = keyHeads.updateValue(slot, forKey: keyHash)
        slots.append(
            RunSlot(
                id: id, queuedAt: queuedAt, keyHash: keyHash, offset: location.offset, length: location.length,
                agent: agent, nextSameKey: previous ?? -1, segment: location.segment, status: Self.ordinal(status)))
        Self.insertSorted(slot, into: &order, slots: slots)
        Self.insertSorted(slot, into: &byAgent[Int(agent)], slots: slots)
        Self.insertSorted(slot, into: &byStatus[Int(Self.ordinal(status))], slots: slots)
        noteDelta(queuedAt: queuedAt, id: id)
        return slot
    }

    /// Changes a live run's status, queue time and location (its id, agent and key never change).
    mutating func update(_ slot: Int32, status: RunStatus, queuedAt: Int64, location: RecordLocation) {
        let ordinal = Self.ordinal(status)
        let previous = slots[Int(slot)].status
        if previous != ordinal {
            Self.removeSorted(slot, from: &byStatus[Int(previous)], slots: slots)
            slots[Int(slot)].status = ordinal
            Self.insertSorted(slot, into: &byStatus[Int(ordinal)], slots: slots)
        }
        slots[Int(slot)].queuedAt = queuedAt
        slots[Int(slot)].location = location
        noteDelta(queuedAt: queuedAt, id: slots[Int(slot)].id)
    }

    /// Puts a slot back to an earlier value (undo of a failed write); the id, agent and key must match.
    mutating func restore(_ slot: Int32, to previous: RunSlot) {
        update(slot, status: Self.status(previous.status), queuedAt: previous.queuedAt, location: previous.location)
    }

    /// Points a live slot at another copy of the same bytes (after compaction).
    mutating func relocate(_ slot: Int32, to location: RecordLocation) {
        slots[Int(slot)].location = location
    }

    /// Removes runs from every index.
    /// - Complexity: O(n) for the whole batch.
    mutating func remove(_ doomed: Set<Int32>) {
        guard !doomed.isEmpty else { return }
        var agents = Set<UInt32>()
        var statuses = Set<UInt8>()
        for slot in doomed where slots[Int(slot)].status != Self.removedStatus {
            agents.insert(slots[Int(slot)].agent)
            statuses.insert(slots[Int(slot)].status)
            unlinkKey(slot)
        }
        order.removeAll { doomed.contains($0) }
        for agent in agents { byAgent[Int(agent)].removeAll { doomed.contains($0) } }
        for status in statuses { byStatus[Int(status)].removeAll { doomed.contains($0) } }
        for slot in doomed { slots[Int(slot)].status = Self.removedStatus }
    }

    private mutating func unlinkKey(_ slot: Int32) {
        let hash = slots[Int(slot)].keyHash
        var current = keyHeads[hash] ?? -1
        var previous: Int32 = -1
        while current >= 0, current != slot {
            previous = current
            current = slots[Int(current)].nextSameKey
        }
        guard current == slot else { return }
        let next = slots[Int(slot)].nextSameKey
        if previous < 0 {
            keyHeads[hash] = next >= 0 ? next : nil
        } else {
            slots[Int(previous)].nextSameKey = next
        }
    }

    private mutating func noteDelta(queuedAt: Int64, id: RunID) {
        let delta = queuedAt &- id.milliseconds
        if delta < minimumDelta { minimumDelta = delta }
        if delta > maximumDelta { maximumDelta = delta }
    }

    static func lowerBound(_ id: RunID, in list: [Int32], slots: [RunSlot]) -> Int {
        var low = 0
        var high = list.count
        while low < high {
            let middle = (low + high) / 2
            if slots[Int(list[middle])].id < id { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private static func insertSorted(_ slot: Int32, into list: inout [Int32], slots: [RunSlot]) {
        let id = slots[Int(slot)].id
        if list.isEmpty || slots[Int(list[list.count - 1])].id < id {
            list.append(slot)
        } else {
            list.insert(slot, at: lowerBound(id, in: list, slots: slots))
        }
    }

    private static func removeSorted(_ slot: Int32, from list: inout [Int32], slots: [RunSlot]) {
        let index = lowerBound(slots[Int(slot)].id, in: list, slots: slots)
        if index < list.count, list[index] == slot { list.remove(at: index) }
    }
}
