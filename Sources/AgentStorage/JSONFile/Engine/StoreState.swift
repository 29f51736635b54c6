import AgentCore
import Foundation

/// The journal file this process appends to, and how much of it has been applied.
struct JournalPosition: Sendable {
    /// The open journal.
    var file: StoreFile
    /// Its segment number.
    var segment: UInt16
    /// Which file it is, to notice when compaction replaced it.
    var identity: FileIdentity
    /// Its compaction generation.
    var generation: UInt64
    /// The length of its header line.
    var headerLength: Int64
    /// The byte up to which the journal is applied (the end of the last complete line read or written).
    var end: Int64
    /// The end of the bytes this process is writing right now (``end`` when it writes nothing); bytes up
    /// to here are this process's own, already applied in memory.
    var writing: Int64
    /// The number of lines up to ``end`` (the header is line 1).
    var lineCount: Int
}

/// Where a record can be read from: memory (active or just written) or a file.
enum RecordSource: Sendable {
    /// The record is in memory.
    case memory(RunRecord)
    /// The record's object lies in a file.
    case file(StoreFile, offset: Int64, length: UInt32)
}

/// Everything the store knows, in memory: the run table, the full records of active runs, leases,
/// schedule states, the open files and how far the journal has been read.
struct StoreState: Sendable {
    /// Every run, compactly.
    var runs = RunTable()
    /// The full records of queued, running and awaiting-approval runs, by slot.
    var active: [Int32: RunRecord] = [:]
    /// Records written by the batch in progress whose bytes are not on disk yet, by slot.
    var unwritten: [Int32: RunRecord] = [:]
    /// Named leases.
    var leases = LeaseTable()
    /// The highest fencing token per lease name, held or released.
    var fencing: [String: UInt64] = [:]
    /// Schedule states.
    var schedules: [AgentName: ScheduleState] = [:]
    /// Control requests.
    var requests = RequestTable()
    /// Runner presences (expired ones too, until compaction forgets them a day later).
    var presences = PresenceTable()
    /// Plan runs and approval requests (never pruned).
    var workflows = WorkflowTable()
    /// Pipeline candidates and promotions (never pruned).
    var candidates = CandidateTable()
    /// The recent change feed, derived from the journal in journal order so that every process numbers the
    /// changes alike.
    var changes = ChangeLog()
    /// Open files that records lie in.
    var segments: [UInt16: StoreFile] = [:]
    /// The journal.
    var journal: JournalPosition
    /// The snapshot's generation (0 when there is none).
    var snapshotGeneration: UInt64 = 0
    /// The snapshot's size in bytes (0 when there is none).
    var snapshotSize: Int64 = 0
    /// The snapshot's segment, if there is one.
    var snapshotSegment: UInt16?
    /// How many times the state was rebuilt from the files in this process; slot numbers and segments
    /// of one epoch mean nothing in another.
    var epoch: UInt64 = 0

    /// Creates a state over an open journal.
    init(journal: JournalPosition) {
        self.journal = journal
        segments[journal.segment] = journal.file
    }

    /// A free segment number.
    func freeSegment() -> UInt16 {
        var candidate: UInt16 = 0
        while segments[candidate] != nil { candidate &+= 1 }
        return candidate
    }

    // MARK: Reading

    /// Where a live slot's record can be read.
    func source(of slot: Int32) -> RecordSource {
        if let record = unwritten[slot] ?? active[slot] { return .memory(record) }
        let entry = runs.slots[Int(slot)]
        guard let file = segments[entry.segment] else {
            // Every live slot points at an open segment; a missing one is a bug, reported as corrupt data.
            return .file(journal.file, offset: -1, length: entry.length)
        }
        return .file(file, offset: entry.offset, length: entry.length)
    }

    /// Reads a record from memory or disk.
    /// - Throws: ``StoreError`` with `io` or `corruptData`.
    static func load(_ source: RecordSource) throws(StoreError) -> RunRecord {
        switch source {
        case .memory(let record):
            return record
        case .file(let file, let offset, let length):
            guard offset >= 0 else {
                throw StoreError(.corruptData, "a run's file is no longer open; reopen the store")
            }
            let bytes = try file.read(count: Int(length), at: offset)
            do {
                return try bytes.withUnsafeBufferPointer { buffer throws(JSONScanError) in
                    guard buffer.count == Int(length) else {
                        throw JSONScanError(offset: buffer.count, message: "the file ends inside the record")
                    }
                    var scanner = JSONScanner(buffer)
                    return try RunRecordCodec.decode(&scanner)
                }
            } catch {
                throw StoreError(
                    .corruptData,
                    "the run record at byte \(offset) of \(file.path) cannot be read (\(error)); the file was changed behind the store's back. Restore it from a backup."
                )
            }
        }
    }

    /// The stored record of a live slot.
    func record(at slot: Int32) throws(StoreError) -> RunRecord { try Self.load(source(of: slot)) }

    // MARK: Applying entries read from disk

    /// Applies one entry read from a store file.
    /// - Parameters:
    ///   - entry: The parsed entry.
    ///   - segment: The file the entry was read from.
    ///   - lineOffset: Where its line starts in that file.
    ///   - feeds: Whether the entry adds to the change feed: `true` for journal lines, `false` for the snapshot
    ///     (whose changes are counted in its header's `lastSequence`).
    /// - Throws: ``JSONScanError`` when the entry cannot be applied (an invalid agent name); the caller
    ///   treats the line as corrupt. Nothing was changed in that case.
    mutating func apply(_ entry: ParsedEntry, segment: UInt16, lineOffset: Int64, feeds: Bool) throws(JSONScanError) {
        switch entry {
        case .run(let summary, let object, let record):
            let agent: UInt32
            do { agent = try runs.intern(summary.agent) } catch {
                throw JSONScanError(offset: object.lowerBound, message: error.description)
            }
            let location = RecordLocation(
                segment: segment, offset: lineOffset + Int64(object.lowerBound), length: UInt32(object.count))
            let slot: Int32
            let existing = runs.find(summary.id)
            if feeds, summary.status.isTerminal, existing.map({ !runs.status(of: $0).isTerminal }) ?? true {
                changes.append(
                    .runEnded(id: summary.id, agent: runs.agentNames[Int(agent)], status: summary.status))
            }
            if let existing {
                let current = runs.slots[Int(existing)]
                if current.agent == agent, current.keyHash == summary.keyHash {
                    runs.update(existing, status: summary.status, queuedAt: summary.queuedAt, location: location)
                    slot = existing
                } else {
                    runs.remove([existing])
                    active[existing] = nil
                    slot = runs.insert(
                        id: summary.id, agent: agent, status: summary.status, queuedAt: summary.queuedAt,
                        keyHash: summary.keyHash, location: location)
                }
            } else {
                slot = runs.insert(
                    id: summary.id, agent: agent, status: summary.status, queuedAt: summary.queuedAt,
                    keyHash: summary.keyHash, location: location)
            }
            active[slot] = summary.status.isTerminal ? nil : record?.record
        case .runsRemoved(let ids):
            let slots = Set(ids.compactMap { runs.find($0) })
            runs.remove(slots)
            for slot in slots { active[slot] = nil }
        case .lease(let lease):
            leases.restore(lease)
            fencing[lease.name] = max(fencing[lease.name] ?? 0, lease.fencingToken)
        case .leaseReleased(let name, let token):
            leases.forget(name: name, fencingToken: token)
            fencing[name] = max(fencing[name] ?? 0, token)
        case .schedule(var state, let versioned):
            if !versioned { state.version = (schedules[state.agentName]?.version ?? 0) + 1 }
            schedules[state.agentName] = state
            if feeds { changes.append(.scheduleState(state)) }
        case .scheduleRemoved(let agent):
            // Only a removal of a stored state is ever written, so every one reaches the feed.
            schedules[agent] = nil
            if feeds { changes.append(.scheduleStateRemoved(agent)) }
        case .request(let request):
            requests.put(request)
            if feeds { changes.append(.request(request)) }
        case .presence(let presence):
            presences.put(presence)
        case .presenceRemoved(let id):
            presences.remove(id: id)
        case .planRun(let run):
            workflows.put(run)
            if feeds { changes.append(.planRun(run)) }
        case .approval(let request):
            workflows.put(request)
            if feeds { changes.append(.approval(request)) }
        case .candidate(let candidate):
            candidates.put(candidate)
            if feeds { changes.append(.candidate(candidate)) }
        case .promotion(let promotion):
            candidates.put(promotion)
        }
    }
}
