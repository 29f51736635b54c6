import AgentCore
import Foundation

/// The first line of every store file: what the file is, its format version, and where it belongs in
/// the sequence of compactions.
///
/// ```
/// {"format":"agentctl-journal","version":1,"generation":3,"createdAt":"2026-11-21T08:30:00.250Z"}
/// {"format":"agentctl-snapshot","version":1,"generation":3,"journalGeneration":2,"journalOffset":81234,"lastSequence":412,…}
/// ```
struct StoreFileHeader: Sendable, Hashable {
    /// The kinds of store files.
    enum Kind: String, Sendable {
        /// The append-only journal of changes.
        case journal = "agentctl-journal"
        /// The compacted state.
        case snapshot = "agentctl-snapshot"
    }

    /// The format version this library writes and the newest it reads.
    static let currentVersion = 1

    /// What the file is.
    var kind: Kind
    /// The format version it was written in.
    var version: Int = Self.currentVersion
    /// The compaction generation: a journal continues the snapshot of the same generation.
    var generation: UInt64
    /// For a snapshot: the generation of the journal it was compacted from.
    var journalGeneration: UInt64?
    /// For a snapshot: how many bytes of that journal it includes.
    var journalOffset: Int64?
    /// For a snapshot: the sequence number of the change feed's newest change that the snapshot includes, so that
    /// numbering continues after compaction (0 for snapshots written before the feed existed).
    var lastSequence: UInt64?
    /// When the file was created.
    var createdAt: Date
    /// For a snapshot: how many runs, leases and schedule states follow.
    var counts: Counts?

    /// How many records of each kind a snapshot holds.
    struct Counts: Sendable, Hashable {
        /// Run records.
        var runs: Int
        /// Lease lines (held leases and released fencing counters).
        var leases: Int
        /// Schedule states.
        var schedules: Int
        /// Control requests.
        var requests: Int = 0
        /// Runner presences.
        var presences: Int = 0
    }

    /// The header as one line, with its line feed.
    func encoded() -> [UInt8] {
        var writer = JSONByteWriter(capacity: 200)
        writer.byte(0x7B)
        writer.key("format")
        writer.string(kind.rawValue)
        writer.nextKey("version")
        writer.integer(version)
        writer.nextKey("generation")
        writer.integer(generation)
        if let journalGeneration {
            writer.nextKey("journalGeneration")
            writer.integer(journalGeneration)
        }
        if let journalOffset {
            writer.nextKey("journalOffset")
            writer.integer(journalOffset)
        }
        if let lastSequence {
            writer.nextKey("lastSequence")
            writer.integer(lastSequence)
        }
        writer.nextKey("createdAt")
        writer.timestamp(createdAt)
        if let counts {
            writer.nextKey("runs")
            writer.integer(counts.runs)
            writer.nextKey("leases")
            writer.integer(counts.leases)
            writer.nextKey("schedules")
            writer.integer(counts.schedules)
            writer.nextKey("requests")
            writer.integer(counts.requests)
            writer.nextKey("presences")
            writer.integer(counts.presences)
        }
        writer.raw("}\n")
        return writer.bytes
    }

    /// Reads the header line of a file, refusing newer format versions before looking at anything else.
    /// - Parameters:
    ///   - line: The first line, without its line feed.
    ///   - kind: The kind of file expected.
    ///   - path: The file's path, for messages.
    /// - Throws: ``StoreError`` with `unsupportedFormatVersion` or `corruptData`.
    static func parse(_ line: [UInt8], expecting kind: Kind, path: String) throws(StoreError) -> StoreFileHeader {
        let value: JSONValue
        do {
            value = try line.withUnsafeBufferPointer { buffer throws(JSONScanError) in
                var scanner = JSONScanner(buffer)
                let value = try scanner.value()
                guard scanner.isAtEnd else { throw scanner.failure("unexpected text after the header") }
                return value
            }
        } catch {
            throw StoreError(
                .corruptData,
                "\(path) does not start with a store header (\(error)); it is not an agentctl store file or its first line is damaged. The file was not changed; restore it from a backup or move it away."
            )
        }
        guard case .object(let fields) = value else {
            throw StoreError(
                .corruptData, "\(path): the first line is not a store header object; the file was not changed")
        }
        guard case .integer(let version) = fields["version"] ?? .null, version >= 1 else {
            throw StoreError(.corruptData, "\(path): the store header has no format version; the file was not changed")
        }
        guard version <= currentVersion else {
            throw StoreError(
                .unsupportedFormatVersion,
                "\(path) is in store format version \(version), but this agentctl reads format versions 1-\(currentVersion). Upgrade agentctl (swift-agent-runner) to open this store; the file was not changed."
            )
        }
        guard fields["format"]?.stringValue == kind.rawValue else {
            throw StoreError(
                .corruptData,
                "\(path): expected a \"\(kind.rawValue)\" header, found format \"\(fields["format"]?.stringValue ?? "none")\"; the file was not changed"
            )
        }
        func number(_ name: String) -> Int64? {
            if case .integer(let value) = fields[name] ?? .null { return value }
            return nil
        }
        guard let generation = number("generation"), generation >= 0,
            let createdText = fields["createdAt"]?.stringValue, let createdAt = Timestamp.parse(createdText)
        else {
            throw StoreError(
                .corruptData, "\(path): the store header lacks generation or createdAt; the file was not changed")
        }
        var header = StoreFileHeader(
            kind: kind, version: Int(version), generation: UInt64(generation), createdAt: createdAt)
        if kind == .snapshot {
            guard let journalGeneration = number("journalGeneration"), journalGeneration >= 0,
                let journalOffset = number("journalOffset"), journalOffset >= 0, let runs = number("runs"),
                let leases = number("leases"), let schedules = number("schedules")
            else {
                throw StoreError(
                    .corruptData,
                    "\(path): the snapshot header lacks journalGeneration, journalOffset or its counts; the file was not changed"
                )
            }
            header.journalGeneration = UInt64(journalGeneration)
            header.journalOffset = journalOffset
            header.counts = Counts(
                runs: Int(runs), leases: Int(leases), schedules: Int(schedules),
                requests: Int(max(0, number("requests") ?? 0)), presences: Int(max(0, number("presences") ?? 0)))
            header.lastSequence = number("lastSequence").map { UInt64(max(0, $0)) }
        }
        return header
    }
}
