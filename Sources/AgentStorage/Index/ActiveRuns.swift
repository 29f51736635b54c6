/// The slots of the runs that are not terminal (queued, running or awaiting approval), so sweeps for
/// expired leases never visit finished runs.
///
/// Adding and removing a slot is O(1) and hashes nothing: each slot's position in the list is kept in a
/// table indexed by slot.
struct ActiveRuns: Sendable {
    /// The active slots, in no particular order.
    private(set) var slots: [Int32] = []
    /// For every slot of the index, its position in ``slots``, or -1 when it is not active.
    private var positions: [Int32] = []

    /// Records whether a slot is active.
    ///
    /// Slots are numbered from 0 without gaps, so a slot is either known or the next one.
    /// - Parameters:
    ///   - slot: The slot.
    ///   - isActive: Whether its run is not terminal.
    mutating func set(_ slot: Int32, isActive: Bool) {
        let index = Int(slot)
        if index == positions.count { positions.append(-1) }
        let position = positions[index]
        if isActive {
            guard position < 0 else { return }
            positions[index] = Int32(slots.count)
            slots.append(slot)
        } else {
            guard position >= 0 else { return }
            let moved = slots.removeLast()
            if moved != slot {
                slots[Int(position)] = moved
                positions[Int(moved)] = position
            }
            positions[index] = -1
        }
    }
}
