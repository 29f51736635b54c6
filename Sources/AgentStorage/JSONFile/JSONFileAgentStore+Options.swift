import AgentCore
import Foundation
import Synchronization

extension JSONFileAgentStore {
    /// How a store keeps and compacts its files.
    public struct Options: Sendable, Hashable {
        /// Which finished runs compaction drops (default: none).
        public var retention: Retention
        /// The journal size, in bytes, below which automatic compaction never starts (default 8 MiB).
        /// Above it, compaction starts when the journal is larger than the snapshot.
        public var compactionThreshold: Int
        /// Whether compaction starts by itself when the journal has outgrown the snapshot (default on).
        public var automaticCompaction: Bool
        /// Whether opening marks runs whose owner's lease expired as abandoned (default off). Turn it on in
        /// the process that schedules runs (``forScheduling``); a command that only reads should not.
        public var abandonsExpiredRunsOnOpen: Bool
        /// How many finished runs' records read from the files are kept decoded in memory, so that pages read
        /// again (the newest runs) cost no disk read and no decoding (default 4096, a few MiB; 0 turns it off).
        public var decodedRecordCacheCapacity: Int

        /// Creates options.
        /// - Parameters:
        ///   - retention: Which finished runs compaction drops.
        ///   - compactionThreshold: The journal size below which compaction never starts by itself.
        ///   - automaticCompaction: Whether compaction starts by itself.
        ///   - abandonsExpiredRunsOnOpen: Whether opening marks orphaned runs abandoned.
        ///   - decodedRecordCacheCapacity: How many records read from the files are kept decoded in memory.
        public init(
            retention: Retention = .keepEverything, compactionThreshold: Int = 8 << 20,
            automaticCompaction: Bool = true,
            abandonsExpiredRunsOnOpen: Bool = false,
            decodedRecordCacheCapacity: Int = 4096
        ) {
            self.retention = retention
            self.compactionThreshold = max(0, compactionThreshold)
            self.automaticCompaction = automaticCompaction
            self.abandonsExpiredRunsOnOpen = abandonsExpiredRunsOnOpen
            self.decodedRecordCacheCapacity = max(0, decodedRecordCacheCapacity)
        }

        /// The options of a scheduler process: orphaned runs are abandoned on open.
        public static var forScheduling: Options { Options(abandonsExpiredRunsOnOpen: true) }
    }

    /// Which finished runs compaction removes (see ``RunRetention``).
    public typealias Retention = RunRetention

    /// What a compaction did.
    public struct CompactionSummary: Sendable, Hashable {
        /// Runs in the new snapshot.
        public var runs: Int
        /// Runs the retention policy removed.
        public var removedByRetention: Int
        /// The new snapshot's size in bytes.
        public var snapshotBytes: Int64
        /// The journal's size before compaction.
        public var journalBytesBefore: Int64
        /// The journal's size after (the lines appended while the snapshot was written).
        public var journalBytesAfter: Int64
    }

    /// Applies the retention policy and compacts the journal into a new snapshot now, waiting until done.
    ///
    /// Readers are not blocked while the snapshot is written, and writers only while the files are
    /// swapped.
    /// - Returns: What was done, or `nil` when another process compacted first.
    /// - Throws: ``StoreError`` when a file cannot be written; the store stays as it was.
    @discardableResult
    public func compact() async throws -> CompactionSummary? {
        try await withCheckedThrowingContinuation { continuation in
            engine.startCompaction(waiter: continuation)
        }
    }
}
