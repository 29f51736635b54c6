import AgentCore

/// A run record decoded from the store's files, as the store's cache of decoded records keeps it (one reference
/// to copy per lookup, not the record's fields).
final class CachedRunRecord: Sendable {
    /// The record.
    let record: RunRecord

    /// Wraps a decoded record.
    init(_ record: RunRecord) { self.record = record }
}
