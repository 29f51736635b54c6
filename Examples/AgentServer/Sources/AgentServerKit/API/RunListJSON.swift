import AgentCore
import Foundation
import Hummingbird

/// The body of `GET /agents/runs`, `{"items": [...], "next_cursor": ...}`, with each run as ``JSONBody/encoder``
/// writes it, built without encoding again what was encoded lately: the newest page, which every dashboard polls,
/// is answered from the body built for the same query and the same page, and a page that moved by a few runs
/// encodes only the new ones.
///
/// Cached JSON is used only for a page, or a run, equal to the one it was built from, so a run that changed is
/// encoded afresh, never served stale. Memory is bounded: at most ``runCapacity`` runs and ``pageCapacity``
/// pages of at most ``largestCachedPage`` runs; the oldest inserted leave first.
final class RunListJSON: Sendable {
    /// A value and its JSON (a class, so that a lookup copies one reference).
    private final class Encoded<Value: Sendable>: Sendable {
        let value: Value
        let json: ByteBuffer

        init(_ value: Value, json: ByteBuffer) {
            self.value = value
            self.json = json
        }
    }

    /// The most runs a cached page holds; larger pages are built from the cached runs every time.
    static let largestCachedPage = 100

    private let runs: BoundedCache<RunID, Encoded<RunRecord>>
    private let pages: BoundedCache<RunQuery, Encoded<RunPage>>

    /// Creates empty caches.
    /// - Parameters:
    ///   - runCapacity: The most runs whose JSON is kept (0 encodes every run every time).
    ///   - pageCapacity: The most page bodies kept (0 builds every body).
    init(runCapacity: Int = 4096, pageCapacity: Int = 64) {
        runs = BoundedCache(capacity: runCapacity)
        pages = BoundedCache(capacity: pageCapacity)
    }

    /// The most runs whose JSON is kept.
    var runCapacity: Int { runs.capacity }

    /// The most page bodies kept.
    var pageCapacity: Int { pages.capacity }

    /// The body listing `page`, the answer to `query`.
    /// - Throws: Whatever the encoder throws.
    func body(of page: RunPage, for query: RunQuery) throws -> ByteBuffer {
        // A store may answer an unchanged page with the same array, which compares equal without comparing records.
        if let cached = pages.value(for: query), cached.value == page { return cached.json }
        var body = ByteBuffer()
        body.reserveCapacity(1024 * (page.records.count + 1))
        body.writeString("{\"items\":[")
        try write(page.records, into: &body)
        body.writeString(
            "],\"next_cursor\":" + (page.nextCursor.map { JSONValue.string($0.token).canonicalText } ?? "null") + "}")
        if page.records.count <= Self.largestCachedPage {
            pages.insert([(key: query, value: Encoded(page, json: body))])
        }
        return body
    }

    /// Appends the records' JSON objects to `buffer`, separated by commas.
    private func write(_ records: [RunRecord], into buffer: inout ByteBuffer) throws {
        let cached = runs.values(for: records.map(\.id))
        var fresh: [(key: RunID, value: Encoded<RunRecord>)] = []
        for index in records.indices {
            if index > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
            if let entry = cached[index], entry.value == records[index] {
                buffer.writeImmutableBuffer(entry.json)
                continue
            }
            let json = ByteBuffer(bytes: try JSONBody.encoder.encode(records[index]))
            buffer.writeImmutableBuffer(json)
            fresh.append((key: records[index].id, value: Encoded(records[index], json: json)))
        }
        runs.insert(fresh)
    }
}
