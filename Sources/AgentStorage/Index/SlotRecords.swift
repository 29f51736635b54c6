import AgentCore

/// The records of a ``RunIndex`` by slot, in chunks of fixed capacity, so that adding a record never moves
/// the ones stored before it (a single array of millions of records would copy them all each time it grows).
struct SlotRecords: Sendable {
    /// The number of slots per chunk, as a power of two.
    private static let chunkShift = 12
    /// The number of slots per chunk.
    private static let chunkCapacity = 1 << chunkShift

    /// The chunks; every one but the last is full.
    private var chunks: [[RunRecord]] = []
    /// The number of records.
    private(set) var count = 0

    /// Creates an empty store of records.
    init() {}

    /// The slot the next appended record gets.
    var nextSlot: Int32 { Int32(count) }

    /// The record in a slot, read or changed in place.
    /// - Parameter slot: A slot below ``count``.
    subscript(slot: Int32) -> RunRecord {
        _read { yield chunks[Int(slot) >> Self.chunkShift][Int(slot) & (Self.chunkCapacity - 1)] }
        _modify { yield &chunks[Int(slot) >> Self.chunkShift][Int(slot) & (Self.chunkCapacity - 1)] }
    }

    /// Stores a record in the next slot.
    /// - Parameter record: The record.
    /// - Complexity: O(1) amortized.
    mutating func append(_ record: RunRecord) {
        if count & (Self.chunkCapacity - 1) == 0 {
            var chunk: [RunRecord] = []
            chunk.reserveCapacity(Self.chunkCapacity)
            chunks.append(chunk)
        }
        chunks[chunks.count - 1].append(record)
        count += 1
    }
}
