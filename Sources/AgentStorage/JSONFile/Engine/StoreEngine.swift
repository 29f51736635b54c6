import AgentCore
import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The machinery behind ``JSONFileAgentStore``: the in-memory state, the writer that commits batches
/// of operations to the journal (group commit), catching up on what other processes appended, and
/// compaction.
///
/// Every change goes through one serial writer queue. A batch is everything submitted while the previous
/// batch was being written: under the store's advisory lock the writer catches up on the journal, applies
/// each operation's rules to memory, appends all their lines with one write, flushes them with one
/// `fdatasync`, releases the lock and only then answers the callers. Readers take the state lock for
/// microseconds and never wait for the disk.
final class StoreEngine: Sendable {
    let paths: StorePaths
    let fileSystem: any StoreFileSystem
    let clock: any AgentClock
    let options: JSONFileAgentStore.Options
    let lockFile: StoreFile
    let state: Mutex<StoreState>
    let report: Mutex<JSONFileAgentStore.RecoveryReport>
    let control = Mutex(Control())
    /// Records already read from the files, decoded, by where their bytes lie.
    let decoded: BoundedCache<RecordBytesKey, CachedRunRecord>
    /// The pages answered lately, by query, with where their records lay.
    let pages: BoundedCache<RunQuery, CachedRunPage>
    let queue = DispatchQueue(label: "agent-runner.json-store.writer", qos: .userInitiated)
    let compactionQueue = DispatchQueue(label: "agent-runner.json-store.compaction", qos: .utility)
    /// The callers of `waitForChanges(after:)` in this process.
    let waiters = ChangeWaiters()
    /// The queue of the timer that looks for other processes' writes while someone waits for changes.
    let watchQueue = DispatchQueue(label: "agent-runner.json-store.watch", qos: .utility)
    /// How often the journal is checked for other processes' writes while someone waits for changes.
    static let watchInterval = DispatchTimeInterval.milliseconds(100)

    /// The most operations one batch takes.
    static let maximumBatch = 4096

    /// Work waiting for the writer, and the writer's health.
    struct Control {
        var pending: [Pending] = []
        var draining = false
        /// Set when a failed write could not be rolled back: the store refuses further writes.
        var poisoned: StoreError?
        var compacting = false
        var compactionWaiters: [CheckedContinuation<JSONFileAgentStore.CompactionSummary?, any Error>] = []
        /// How many callers are inside `waitForChanges(after:)`.
        var watchers = 0
        /// Whether the watch timer is scheduled.
        var watching = false
    }

    /// An operation and the caller waiting for its outcome.
    struct Pending: Sendable {
        let operation: StoreOperation
        let continuation: CheckedContinuation<OperationOutcome, any Error>
    }

    /// Opens (creating if needed) a store directory and reads it.
    /// - Throws: ``StoreError``.
    init(paths: StorePaths, fileSystem: any StoreFileSystem, clock: any AgentClock, options: JSONFileAgentStore.Options)
        throws(StoreError)
    {
        do { try fileSystem.makeDirectory(paths.directory, mode: 0o700) } catch {
            throw StoreError(
                .io, "cannot create the store directory \(paths.directory): \(error); create it or choose another path")
        }
        let lockFile = try StoreFile(path: paths.lock, flags: O_RDWR | O_CREAT, fileSystem: fileSystem)
        try lockFile.lock()
        defer { lockFile.unlock() }
        var report = JSONFileAgentStore.RecoveryReport(quarantinePath: paths.quarantine)
        let loaded = try StoreLoader.load(paths: paths, fileSystem: fileSystem, now: clock.now, report: &report)
        self.paths = paths
        self.fileSystem = fileSystem
        self.clock = clock
        self.options = options
        self.decoded = BoundedCache(capacity: options.decodedRecordCacheCapacity)
        self.pages = BoundedCache(capacity: options.decodedRecordCacheCapacity > 0 ? CachedRunPage.capacity : 0)
        self.lockFile = lockFile
        self.state = Mutex(loaded)
        self.report = Mutex(report)
        if options.abandonsExpiredRunsOnOpen {
            let outcome = commitLocked([.abandonExpiredRuns])[0]
            switch outcome {
            case .success(.records(let abandoned)):
                self.report.withLock { $0.abandonedRuns.append(contentsOf: abandoned.map(\.id)) }
            case .failure(let error):
                throw error
            default:
                break
            }
        }
    }

    // MARK: Submitting

    /// Runs an operation in the next batch and waits until its journal lines are durable.
    func perform(_ operation: StoreOperation) async throws -> OperationOutcome {
        try await withCheckedThrowingContinuation { continuation in
            let start = control.withLock { control in
                control.pending.append(Pending(operation: operation, continuation: continuation))
                if control.draining { return false }
                control.draining = true
                return true
            }
            if start { queue.async { self.drainOneBatch() } }
        }
    }

    /// Takes one batch, commits it, and schedules the next one (one queue item per batch, so compaction
    /// steps queued in between are not starved by a steady stream of writes).
    private func drainOneBatch() {
        let batch: [Pending] = control.withLock { control in
            let count = min(control.pending.count, Self.maximumBatch)
            let batch = Array(control.pending.prefix(count))
            control.pending.removeFirst(count)
            if batch.isEmpty { control.draining = false }
            return batch
        }
        guard !batch.isEmpty else { return }
        let outcomes = commit(batch.map(\.operation))
        for (pending, outcome) in zip(batch, outcomes) {
            pending.continuation.resume(with: outcome.mapError { $0 as any Error })
        }
        queue.async { self.drainOneBatch() }
        compactIfDue()
    }

    /// Locks, catches up, applies and writes a batch. Runs on the writer queue.
    private func commit(_ operations: [StoreOperation]) -> [Result<OperationOutcome, StoreError>] {
        if let poisoned = control.withLock({ $0.poisoned }) {
            return operations.map { _ in .failure(poisoned) }
        }
        do {
            try lockFile.lock()
        } catch {
            return operations.map { _ in .failure(error) }
        }
        defer { lockFile.unlock() }
        do {
            try catchUpLocked()
        } catch {
            return operations.map { _ in .failure(error) }
        }
        return commitLocked(operations)
    }

    /// Applies and writes a batch; the caller holds the store lock and has caught up.
    func commitLocked(_ operations: [StoreOperation]) -> [Result<OperationOutcome, StoreError>] {
        var outcomes: [Result<OperationOutcome, StoreError>] = []
        outcomes.reserveCapacity(operations.count)
        let (batch, file) = state.withLock { state in
            var batch = Batch(base: state.journal.end, segment: state.journal.segment)
            for operation in operations {
                do throws(StoreError) {
                    outcomes.append(.success(try state.perform(operation, in: &batch, clock: clock)))
                } catch {
                    outcomes.append(.failure(error))
                }
            }
            state.journal.writing = batch.base + Int64(batch.writer.count)
            return (batch, state.journal.file)
        }
        guard batch.writer.count > 0 else { return outcomes }
        do throws(StoreError) {
            try file.write(batch.writer.bytes, at: batch.base)
            try file.synchronizeData()
        } catch {
            var rolledBack = true
            do {
                try file.truncate(to: batch.base)
                try file.synchronizeData()
            } catch {
                rolledBack = false
            }
            state.withLock { state in
                state.revert(batch.undo)
                state.journal.writing = state.journal.end
            }
            let failure: StoreError
            if rolledBack {
                failure = StoreError(error.code, error.message + "; nothing of this change was stored")
            } else {
                failure = StoreError(
                    .io,
                    "\(error.message); the journal could not be cut back either, so it may hold part of this change. Reopen the store to see what was stored."
                )
                control.withLock { $0.poisoned = failure }
            }
            return outcomes.map { outcome in
                if case .success = outcome { return .failure(failure) }
                return outcome
            }
        }
        let sequence = state.withLock { state in
            state.journal.end = batch.base + Int64(batch.writer.count)
            state.journal.writing = state.journal.end
            state.journal.lineCount += batch.lines
            state.unwritten.removeAll(keepingCapacity: true)
            for change in batch.changes { state.changes.append(change) }
            return state.changes.lastSequence
        }
        if !batch.changes.isEmpty { waiters.advance(to: sequence) }
        return outcomes
    }

    // MARK: Catching up

    /// Applies what other processes appended to the journal since this process last looked, reloading
    /// everything when compaction replaced the files. The caller holds the store lock.
    func catchUpLocked() throws(StoreError) {
        let journal = state.withLock { $0.journal }
        guard let current = try StoreLoader.status(paths.journal, fileSystem) else {
            throw StoreError(
                .corruptData,
                "\(paths.journal) disappeared while the store was open; restore it from a backup, then reopen the store"
            )
        }
        if current.identity != journal.identity {
            try reloadLocked()
            return
        }
        let size = try journal.file.status().size
        if size == journal.end { return }
        if size < journal.end {
            try reloadLocked()
            return
        }
        var quarantine: [QuarantineEntry] = []
        var findings = JSONFileAgentStore.RecoveryReport(quarantinePath: paths.quarantine)
        let result = try LineReader.read(
            journal.file, from: journal.end, to: size, firstLineNumber: journal.lineCount + 1, decoding: .whenActive
        ) { line throws(StoreError) in
            try state.withLock { state throws(StoreError) in
                try StoreLoader.consume(
                    line, into: &state, segment: journal.segment, path: paths.journal, generation: journal.generation,
                    feeds: true, quarantine: &quarantine, report: &findings)
            }
        }
        let sequence = state.withLock { state in
            state.journal.end = result.end
            state.journal.writing = result.end
            state.journal.lineCount += result.lineCount
            return state.changes.lastSequence
        }
        waiters.advance(to: sequence)
        if !result.tail.isEmpty {
            // Nobody writes without the lock, and this process holds it: the bytes are a torn tail.
            quarantine.append(
                QuarantineEntry(
                    file: StorePaths.journalName, generation: journal.generation, lineNumber: 0, offset: result.end,
                    reason: "torn tail: a write interrupted by a crash, never acknowledged", bytes: result.tail))
        }
        try Quarantine.append(quarantine, at: paths.quarantine, now: clock.now, fileSystem: fileSystem)
        if !result.tail.isEmpty {
            try journal.file.truncate(to: result.end)
            try journal.file.synchronizeData()
            findings.tornTails.append(.init(path: paths.journal, offset: result.end, byteCount: result.tail.count))
        }
        merge(findings)
    }

    /// Reads the store afresh (after another process compacted it). The caller holds the store lock.
    func reloadLocked() throws(StoreError) {
        var findings = JSONFileAgentStore.RecoveryReport(quarantinePath: paths.quarantine)
        var fresh = try StoreLoader.load(paths: paths, fileSystem: fileSystem, now: clock.now, report: &findings)
        let sequence = state.withLock { state in
            fresh.epoch = state.epoch + 1
            fresh.changes = Self.continuing(state.changes, with: fresh.changes)
            state = fresh
            return state.changes.lastSequence
        }
        merge(findings)
        waiters.advance(to: sequence)
    }

    /// The feed after a reload: the changes this process knew, followed by the fresh ones after them, when the
    /// fresh feed continues them without a gap (the usual case after another process compacted, since every
    /// process numbers changes alike); otherwise the fresh feed alone, whose older cursors report missed changes.
    static func continuing(_ known: ChangeLog, with fresh: ChangeLog) -> ChangeLog {
        guard fresh.lastSequence >= known.lastSequence else { return fresh }
        let after = fresh.page(after: known.latestCursor, limit: Int.max)
        guard !after.missedChanges else { return fresh }
        var merged = known
        for change in after.changes { merged.append(change.kind) }
        return merged
    }

    private func merge(_ findings: JSONFileAgentStore.RecoveryReport) {
        guard !findings.isClean else { return }
        report.withLock { report in
            report.tornTails.append(contentsOf: findings.tornTails)
            for line in findings.corruptLines where !report.corruptLines.contains(line) {
                report.corruptLines.append(line)
            }
            report.removedTemporaryFiles.append(contentsOf: findings.removedTemporaryFiles)
            for path in findings.ignoredTemporaryFiles where !report.ignoredTemporaryFiles.contains(path) {
                report.ignoredTemporaryFiles.append(path)
            }
        }
    }

    /// Catches up first when another process changed the journal since this process last read it (one
    /// `fstat` and one `stat` when nothing changed). Bytes this process is writing itself do not count:
    /// they are in memory already.
    func synchronizeIfNeeded() async throws {
        if try journalChangedElsewhere() { _ = try await perform(.synchronize) }
    }

    /// Whether another process changed the journal since this process last read it: one `fstat` and one `stat`.
    /// A store whose journal may hold an unacknowledged tail answers from memory only, so it says no.
    func journalChangedElsewhere() throws(StoreError) -> Bool {
        if control.withLock({ $0.poisoned != nil }) { return false }
        let journal = state.withLock { $0.journal }
        let size = try journal.file.status().size
        let identity = try StoreLoader.status(paths.journal, fileSystem)?.identity
        return size < journal.end || size > journal.writing || identity != journal.identity
    }
}
