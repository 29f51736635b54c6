/// Where a run record's JSON object lies in the store's files: which open file, at which byte, how long. The key
/// of the store's cache of decoded records (``StoreEngine/decoded``).
///
/// A key never names different bytes later, so a cached record never needs invalidating:
/// - ``file`` is the ``StoreFile/serial`` of the open file the bytes are read through. Serials are never reused
///   in a process, and every file the store opens (at open, on a reload, compaction's new snapshot and journal)
///   gets a fresh one, so the segment numbers compaction reuses never alias.
/// - The bytes of an open file that a record location points at never change: a new version of a run is a new
///   journal line, and compaction writes new files instead of rewriting old ones. The only cuts are a batch
///   rolled back after a failed write (its records were served from memory, ``StoreState/unwritten``, and their
///   locations are reverted with it), a torn tail (never applied) and retention's removal lines (no records).
/// - A reload after another process compacted or cut the journal opens the files again, under new serials.
struct RecordBytesKey: Hashable, Sendable {
    /// The ``StoreFile/serial`` of the file.
    var file: UInt64
    /// The byte at which the object starts.
    var offset: Int64
    /// The object's length in bytes.
    var length: UInt32

}
