import AgentCore
import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What compaction copies into a new snapshot, captured under the store lock.
struct CompactionPlan: Sendable {
    /// The journal the snapshot is compacted from, and how much of it.
    var journalGeneration: UInt64
    var journalSegment: UInt16
    var journalOffset: Int64
    var journalLines: Int
    /// The new generation.
    var generation: UInt64
    /// The state's epoch the slots belong to.
    var epoch: UInt64
    /// Live runs in id order, and where their records lie.
    var slots: [Int32]
    var locations: [RecordLocation]
    var segments: [UInt16: StoreFile]
    /// Lease, schedule, request, presence, plan-run and approval lines.
    var entries: [JournalEntry]
    var leaseCount: Int
    var scheduleCount: Int
    var requestCount: Int
    var presenceCount: Int
    /// The change feed's newest sequence number as of ``journalOffset``.
    var lastSequence: UInt64
    /// Runs removed by retention in this compaction.
    var removed: Int
    /// The journal's size before compaction.
    var journalBytes: Int64
}

/// A snapshot written to a temporary file, ready to be renamed into place.
struct WrittenSnapshot: Sendable {
    var path: String
    var file: StoreFile
    var size: Int64
    /// Where each planned run's object starts in the new snapshot.
    var offsets: [Int64]
}

/// Compaction, in three steps so that neither readers nor writers wait for the copy:
///
/// 1. On the writer queue, under the lock: catch up, append retention removals, capture the plan.
/// 2. On the compaction queue, without the lock: write the new snapshot to a temporary file and flush it.
/// 3. On the writer queue, under the lock: catch up; copy the journal lines appended since step 1 into a
///    new journal; rename the snapshot, then the journal into place (flushing the directory after each);
///    point the in-memory slots at the new files.
///
/// A crash between the two renames leaves a snapshot whose header names the old journal and how much of
/// it it holds, so opening replays only the rest.
extension StoreEngine {
    /// Starts a compaction unless one is running; `waiter` is resumed when it ends.
    func startCompaction(
        waiter: CheckedContinuation<JSONFileAgentStore.CompactionSummary?, any Error>? = nil
    ) {
        let start = control.withLock { control in
            if let waiter { control.compactionWaiters.append(waiter) }
            if control.compacting { return false }
            control.compacting = true
            return true
        }
        if start { queue.async { self.beginCompaction() } }
    }

    /// Starts a compaction when the journal has outgrown the snapshot.
    func compactIfDue() {
        guard options.automaticCompaction else { return }
        let due = state.withLock { state in
            state.journal.end - state.journal.headerLength > max(Int64(options.compactionThreshold), state.snapshotSize)
        }
        if due, !control.withLock({ $0.compacting || $0.poisoned != nil }) { startCompaction() }
    }

    private func finishCompaction(_ outcome: Result<JSONFileAgentStore.CompactionSummary?, StoreError>) {
        let waiters = control.withLock { control in
            control.compacting = false
            defer { control.compactionWaiters = [] }
            return control.compactionWaiters
        }
        for waiter in waiters { waiter.resume(with: outcome.mapError { $0 as any Error }) }
    }

    // MARK: Step 1

    private func beginCompaction() {
        let plan: CompactionPlan
        do throws(StoreError) {
            if let poisoned = control.withLock({ $0.poisoned }) { throw poisoned }
            try lockFile.lock()
            defer { lockFile.unlock() }
            try catchUpLocked()
            let removed = try applyRetentionLocked()
            plan = state.withLock { capture($0, removed: removed) }
        } catch {
            finishCompaction(.failure(error))
            return
        }
        compactionQueue.async { self.writeSnapshot(plan) }
    }

    private func capture(_ state: StoreState, removed: Int) -> CompactionPlan {
        let order = state.runs.order
        var locations: [RecordLocation] = []
        locations.reserveCapacity(order.count)
        for slot in order { locations.append(state.runs.slots[Int(slot)].location) }
        var entries: [JournalEntry] = []
        let held = Dictionary(state.leases.all.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for name in state.fencing.keys.sorted() {
            let token = state.fencing[name] ?? 0
            if let lease = held[name] {
                if lease.fencingToken < token { entries.append(.leaseReleased(name: name, fencingToken: token)) }
                entries.append(.lease(lease))
            } else {
                entries.append(.leaseReleased(name: name, fencingToken: token))
            }
        }
        let leaseCount = entries.count
        for agent in state.schedules.keys.sorted() {
            if let schedule = state.schedules[agent] { entries.append(.schedule(schedule)) }
        }
        let scheduleCount = entries.count - leaseCount
        // The request table already forgot the oldest completed requests beyond its capacity.
        for request in state.requests.all { entries.append(.request(request)) }
        let requestCount = entries.count - leaseCount - scheduleCount
        let stale = Set(state.presences.stale(now: clock.now))
        for id in state.presences.byID.keys.sorted() where !stale.contains(id) {
            if let presence = state.presences.byID[id] { entries.append(.presence(presence)) }
        }
        let presenceCount = entries.count - leaseCount - scheduleCount - requestCount
        // Plan runs and approval requests are never pruned.
        for run in state.workflows.allPlanRuns { entries.append(.planRun(run)) }
        for request in state.workflows.allApprovals { entries.append(.approval(request)) }
        // Candidates and promotions are never pruned either.
        for promotion in state.candidates.allPromotions { entries.append(.promotion(promotion)) }
        for candidate in state.candidates.allCandidates { entries.append(.candidate(candidate)) }
        return CompactionPlan(
            journalGeneration: state.journal.generation, journalSegment: state.journal.segment,
            journalOffset: state.journal.end, journalLines: state.journal.lineCount,
            generation: max(state.snapshotGeneration, state.journal.generation) + 1, epoch: state.epoch, slots: order,
            locations: locations, segments: state.segments, entries: entries, leaseCount: leaseCount,
            scheduleCount: scheduleCount, requestCount: requestCount,
            presenceCount: presenceCount,
            lastSequence: state.changes.lastSequence, removed: removed, journalBytes: state.journal.end)
    }

    /// Appends removal lines for the runs the retention policy drops, and drops them from memory.
    /// - Returns: How many runs were removed.
    private func applyRetentionLocked() throws(StoreError) -> Int {
        let retention = options.retention
        guard retention.maximumAge != nil || retention.maximumRunsPerAgent != nil else { return 0 }
        let cutoff = retention.maximumAge.map {
            Timestamp.milliseconds(clock.now.addingTimeInterval(-$0.timeInterval))
        }
        let (victims, ids, base, file) = state.withLock { state in
            let victims = state.runs.retentionVictims(queuedBefore: cutoff, keepPerAgent: retention.maximumRunsPerAgent)
            let ids = victims.map { state.runs.slots[Int($0)].id }
            return (victims, ids, state.journal.end, state.journal.file)
        }
        guard !victims.isEmpty else { return 0 }
        var writer = JSONByteWriter(capacity: ids.count * 30 + 64)
        var lines = 0
        var start = 0
        while start < ids.count {
            let chunk = Array(ids[start..<min(start + 1000, ids.count)])
            try JournalEntry.runsRemoved(chunk).encode(into: &writer)
            lines += 1
            start += chunk.count
        }
        do throws(StoreError) {
            try file.write(writer.bytes, at: base)
            try file.synchronizeData()
        } catch {
            try? file.truncate(to: base)
            throw error
        }
        state.withLock { state in
            let doomed = Set(victims)
            state.runs.remove(doomed)
            for slot in doomed { state.active[slot] = nil }
            state.journal.end = base + Int64(writer.count)
            state.journal.writing = state.journal.end
            state.journal.lineCount += lines
        }
        return victims.count
    }

    // MARK: Step 2

    private func writeSnapshot(_ plan: CompactionPlan) {
        let path = paths.temporary(for: paths.snapshot)
        do throws(StoreError) {
            let file = try StoreFile(path: path, flags: O_RDWR | O_CREAT | O_EXCL, fileSystem: fileSystem)
            let header = StoreFileHeader(
                kind: .snapshot, generation: plan.generation, journalGeneration: plan.journalGeneration,
                journalOffset: plan.journalOffset, lastSequence: plan.lastSequence, createdAt: clock.now,
                counts: .init(
                    runs: plan.slots.count, leases: plan.leaseCount, schedules: plan.scheduleCount,
                    requests: plan.requestCount, presences: plan.presenceCount))
            var writer = JSONByteWriter(capacity: 8 << 20)
            writer.raw(header.encoded())
            for entry in plan.entries { try entry.encode(into: &writer) }
            var position: Int64 = 0
            var offsets: [Int64] = []
            offsets.reserveCapacity(plan.slots.count)
            var reader = WindowedReader()
            for location in plan.locations {
                writer.raw(JournalEntry.runLinePrefix)
                offsets.append(position + Int64(writer.count))
                guard let source = plan.segments[location.segment] else {
                    throw StoreError(.corruptData, "a run's file closed during compaction; compaction was abandoned")
                }
                try reader.copy(from: source, location: location, into: &writer)
                writer.raw("}\n")
                if writer.count >= 4 << 20 {
                    try file.write(writer.bytes, at: position)
                    position += Int64(writer.count)
                    writer.bytes.removeAll(keepingCapacity: true)
                }
            }
            try file.write(writer.bytes, at: position)
            position += Int64(writer.count)
            try file.synchronize()
            let snapshot = WrittenSnapshot(path: path, file: file, size: position, offsets: offsets)
            queue.async { self.installSnapshot(snapshot, plan: plan) }
        } catch {
            try? fileSystem.remove(path)
            finishCompaction(.failure(error))
        }
    }

    // MARK: Step 3

    private func installSnapshot(_ snapshot: WrittenSnapshot, plan: CompactionPlan) {
        var journalTemporary: String?
        do throws(StoreError) {
            if let poisoned = control.withLock({ $0.poisoned }) { throw poisoned }
            try lockFile.lock()
            defer { lockFile.unlock() }
            try catchUpLocked()
            let (journal, epoch) = state.withLock { ($0.journal, $0.epoch) }
            guard journal.generation == plan.journalGeneration, journal.segment == plan.journalSegment,
                epoch == plan.epoch
            else {
                // Another process compacted first (or the files were reloaded): this snapshot is stale.
                try? fileSystem.remove(snapshot.path)
                finishCompaction(.success(nil))
                return
            }
            let header = StoreFileHeader(kind: .journal, generation: plan.generation, createdAt: clock.now).encoded()
            let temporary = paths.temporary(for: paths.journal)
            journalTemporary = temporary
            let newJournal = try StoreFile(path: temporary, flags: O_RDWR | O_CREAT | O_EXCL, fileSystem: fileSystem)
            try newJournal.write(header, at: 0)
            var copied: Int64 = 0
            while plan.journalOffset + copied < journal.end {
                let count = Int(min(Int64(8 << 20), journal.end - plan.journalOffset - copied))
                let bytes = try journal.file.read(count: count, at: plan.journalOffset + copied)
                guard bytes.count == count else {
                    throw StoreError(.io, "\(paths.journal) ended early while compacting; compaction was abandoned")
                }
                try newJournal.write(bytes, at: Int64(header.count) + copied)
                copied += Int64(count)
            }
            try newJournal.synchronize()
            try StoreLoader.rename(snapshot.path, to: paths.snapshot, fileSystem)
            state.withLock { $0.snapshotGeneration = plan.generation }
            try StoreLoader.synchronizeDirectory(paths.directory, fileSystem)
            try StoreLoader.rename(temporary, to: paths.journal, fileSystem)
            journalTemporary = nil
            try StoreLoader.synchronizeDirectory(paths.directory, fileSystem)
            let identity = try newJournal.status().identity
            // Reopen both files under their final names (this process holds the lock, so they are the
            // files just written) so that messages name them; keep the open descriptors if that fails.
            var installed = snapshot
            installed.file = reopened(paths.snapshot, O_RDONLY, as: snapshot.file)
            let journalFile = reopened(paths.journal, O_RDWR, as: newJournal)
            let summary = state.withLock { state in
                repoint(
                    &state, plan: plan, snapshot: installed, newJournal: journalFile, identity: identity,
                    headerLength: Int64(header.count))
            }
            finishCompaction(.success(summary))
        } catch {
            try? fileSystem.remove(snapshot.path)
            if let journalTemporary { try? fileSystem.remove(journalTemporary) }
            finishCompaction(.failure(error))
        }
    }

    private func reopened(_ path: String, _ flags: Int32, as file: StoreFile) -> StoreFile {
        guard let again = try? StoreFile(path: path, flags: flags, fileSystem: fileSystem),
            let identity = try? again.status().identity, identity == (try? file.status().identity)
        else { return file }
        return again
    }

    private func repoint(
        _ state: inout StoreState, plan: CompactionPlan, snapshot: WrittenSnapshot, newJournal: StoreFile,
        identity: FileIdentity, headerLength: Int64
    ) -> JSONFileAgentStore.CompactionSummary {
        let old = state.journal
        let snapshotSegment = state.freeSegment()
        state.segments[snapshotSegment] = snapshot.file
        let journalSegment = state.freeSegment()
        state.segments[journalSegment] = newJournal
        var newOffsets = [Int64](repeating: -1, count: state.runs.slots.count)
        for (index, slot) in plan.slots.enumerated() { newOffsets[Int(slot)] = snapshot.offsets[index] }
        let shift = headerLength - plan.journalOffset
        var referenced = Set<UInt16>([snapshotSegment, journalSegment])
        for slot in state.runs.order {
            let entry = state.runs.slots[Int(slot)]
            if entry.segment == old.segment, entry.offset >= plan.journalOffset {
                state.runs.relocate(
                    slot,
                    to: RecordLocation(segment: journalSegment, offset: entry.offset + shift, length: entry.length))
            } else if newOffsets[Int(slot)] >= 0 {
                state.runs.relocate(
                    slot,
                    to: RecordLocation(segment: snapshotSegment, offset: newOffsets[Int(slot)], length: entry.length))
            } else {
                referenced.insert(entry.segment)
            }
        }
        state.segments = state.segments.filter { referenced.contains($0.key) }
        state.journal = JournalPosition(
            file: newJournal, segment: journalSegment, identity: identity, generation: plan.generation,
            headerLength: headerLength, end: headerLength + (old.end - plan.journalOffset),
            writing: headerLength + (old.end - plan.journalOffset), lineCount: 1 + (old.lineCount - plan.journalLines))
        state.snapshotGeneration = plan.generation
        state.snapshotSize = snapshot.size
        state.snapshotSegment = snapshotSegment
        return JSONFileAgentStore.CompactionSummary(
            runs: plan.slots.count, removedByRetention: plan.removed, snapshotBytes: snapshot.size,
            journalBytesBefore: plan.journalBytes, journalBytesAfter: state.journal.end)
    }
}

/// Copies byte ranges out of files through a large read window, so copying records that lie next to each
/// other (the common case) costs one read per window rather than one per record.
private struct WindowedReader {
    private var file: StoreFile?
    private var start: Int64 = 0
    private var window: [UInt8] = []
    private static let windowSize = 4 << 20

    mutating func copy(from source: StoreFile, location: RecordLocation, into writer: inout JSONByteWriter)
        throws(StoreError)
    {
        let length = Int(location.length)
        if file !== source || location.offset < start || location.offset + Int64(length) > start + Int64(window.count) {
            window = try source.read(count: max(Self.windowSize, length), at: location.offset)
            file = source
            start = location.offset
            guard window.count >= length else {
                throw StoreError(
                    .corruptData,
                    "\(source.path) ends inside a run record at byte \(location.offset); compaction was abandoned")
            }
        }
        let from = Int(location.offset - start)
        writer.raw(window[from..<(from + length)])
    }
}
