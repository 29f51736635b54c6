/// An open-addressing hash table from 32-bit hashes to slots of a ``RunIndex``, which keeps the records.
///
/// The table stores only the hash and the slot of each entry, 8 bytes, and never hashes again: growing
/// moves those pairs, and a lookup compares hashes and asks the caller's predicate (which reads the
/// record) only when they are equal. Entries are never removed, as runs are never removed.
struct SlotTable: Sendable {
    /// One entry: a hash and a slot, or an empty place when `slot` is -1.
    private struct Bucket: Sendable {
        /// The entry's hash.
        var hash: UInt32
        /// The entry's slot, or -1.
        var slot: Int32
    }

    /// The buckets; their count is a power of two.
    private var buckets: [Bucket] = Array(repeating: Bucket(hash: 0, slot: -1), count: 16)
    /// The number of entries.
    private(set) var count = 0

    /// Creates an empty table.
    init() {}

    /// The first slot stored under `hash` that `matches` accepts.
    /// - Parameters:
    ///   - hash: The hash.
    ///   - matches: Whether a slot with that hash holds the entry sought.
    /// - Returns: The slot, or `nil` when there is none.
    /// - Complexity: O(1) expected.
    func slot(hash: UInt32, where matches: (Int32) -> Bool) -> Int32? {
        bucket(hash: hash, where: matches).map { buckets[$0].slot }
    }

    /// Adds an entry; the caller has checked that no equal entry exists.
    /// - Parameters:
    ///   - hash: The entry's hash.
    ///   - slot: The entry's slot, 0 or more.
    /// - Complexity: O(1) amortized.
    mutating func insert(hash: UInt32, slot: Int32) {
        if (count + 1) * 4 > buckets.count * 3 { grow() }
        count += 1
        Self.place(Bucket(hash: hash, slot: slot), in: &buckets)
    }

    /// Points an existing entry at another slot.
    /// - Parameters:
    ///   - hash: The entry's hash.
    ///   - old: The slot it holds now.
    ///   - new: The slot it is to hold.
    /// - Complexity: O(1) expected.
    mutating func replace(hash: UInt32, slot old: Int32, with new: Int32) {
        guard let index = bucket(hash: hash, where: { $0 == old }) else {
            preconditionFailure("slot \(old) is not in the table")
        }
        buckets[index].slot = new
    }

    /// The position of the first bucket with `hash` whose slot `matches` accepts.
    /// - Parameters:
    ///   - hash: The hash.
    ///   - matches: Whether a slot with that hash holds the entry sought.
    /// - Returns: The bucket's position, or `nil`.
    private func bucket(hash: UInt32, where matches: (Int32) -> Bool) -> Int? {
        let mask = buckets.count - 1
        var index = Int(hash) & mask
        while true {
            let bucket = buckets[index]
            if bucket.slot < 0 { return nil }
            if bucket.hash == hash, matches(bucket.slot) { return index }
            index = (index + 1) & mask
        }
    }

    /// Doubles the buckets and places every entry again from its stored hash.
    private mutating func grow() {
        var larger = Array(repeating: Bucket(hash: 0, slot: -1), count: buckets.count * 2)
        for bucket in buckets where bucket.slot >= 0 { Self.place(bucket, in: &larger) }
        buckets = larger
    }

    /// Puts an entry in the first empty bucket from its hash's position on (linear probing).
    /// - Parameters:
    ///   - entry: The entry.
    ///   - buckets: Buckets with at least one empty place.
    private static func place(_ entry: Bucket, in buckets: inout [Bucket]) {
        let mask = buckets.count - 1
        var index = Int(entry.hash) & mask
        while buckets[index].slot >= 0 { index = (index + 1) & mask }
        buckets[index] = entry
    }
}
