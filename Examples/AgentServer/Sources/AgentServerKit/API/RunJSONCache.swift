import AgentCore
import Foundation
import Hummingbird

/// The JSON of run records as the API sends them (``JSONBody/encoder``), kept per run so that listing the same
/// runs again (the newest page, which every dashboard polls) does not encode them again.
///
/// An entry is used only for a record equal to the one it was encoded from, so a run that changed is encoded
/// afresh, never served stale. At most ``capacity`` runs are kept; the oldest inserted leaves first.
final class RunJSONCache: Sendable {
    /// A record and its JSON (a class, so that a lookup copies one reference).
    private final class Entry: Sendable {
        let record: RunRecord
        let json: ByteBuffer

        init(record: RunRecord, json: ByteBuffer) {
            self.record = record
            self.json = json
        }
    }

    private let entries: BoundedCache<RunID, Entry>

    /// Creates an empty cache of at most `capacity` runs (0 encodes every time).
    init(capacity: Int = 4096) {
        entries = BoundedCache(capacity: capacity)
    }

    /// The most runs kept.
    var capacity: Int { entries.capacity }

    /// Appends the records' JSON objects to `buffer`, separated by commas.
    /// - Throws: Whatever the encoder throws.
    func write(_ records: [RunRecord], into buffer: inout ByteBuffer) throws {
        let cached = entries.values(for: records.map(\.id))
        var fresh: [(key: RunID, value: Entry)] = []
        for (index, record) in records.enumerated() {
            if index > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
            if let entry = cached[index], entry.record == record {
                buffer.writeImmutableBuffer(entry.json)
                continue
            }
            let json = ByteBuffer(bytes: try JSONBody.encoder.encode(record))
            buffer.writeImmutableBuffer(json)
            fresh.append((key: record.id, value: Entry(record: record, json: json)))
        }
        entries.insert(fresh)
    }
}
