import AgentCore
import Dispatch
import Foundation
import Synchronization

/// The embedded default store: a directory of human-readable JSON Lines files that survives crashes and
/// can be shared by several processes at once.
///
/// ```swift
/// let store = try await JSONFileAgentStore.open(directory: URL(filePath: ".agent-runs"))
/// let outcome = try await store.claimRun(RunClaim(record: record, owner: "host-1", leaseDuration: .seconds(60)))
/// ```
///
/// - **Files.** `journal.jsonl` is an append-only journal of changes, one JSON object per line;
///   `snapshot.jsonl` is the compacted state, replaced atomically (temporary file, flush, rename, flush
///   the directory). Both start with a header line holding the format version; a newer version is
///   refused and the file left untouched. `quarantine.jsonl` keeps every line that could not be read.
///   `Docs/Storage.md` describes the format line by line.
/// - **Durability.** A change is acknowledged (the call returns) only after its journal bytes are flushed
///   with `fdatasync`. Concurrent callers in one process share one flush per batch (group commit).
/// - **Several processes.** Every change runs under an advisory lock (`flock`) on `store.lock`: the
///   process first reads what others appended, then appends its own lines. Reads catch up first too. The
///   claim is therefore atomic across processes.
/// - **Recovery.** On open, an incomplete last line (a crash mid-write) is cut away and a corrupt line in
///   the middle is skipped, both copied to the quarantine file and listed in ``recoveryReport``.
/// - **Memory.** Runs are indexed compactly (about 100 bytes per run); records are read from the files
///   when asked for, except queued and running ones, which stay in memory.
///
/// Lease expiry and every timestamp the store sets come from the clock given at creation.
public final class JSONFileAgentStore: WorkflowStore {
    /// The store's directory.
    public let directory: URL
    let engine: StoreEngine

    /// Opens the store in a directory, creating the directory and its files when missing, and recovers
    /// from whatever a crash left behind (see ``recoveryReport``).
    ///
    /// Opening waits for the store lock (another process may hold it while it writes or compacts), reads
    /// every file once (a store of a million runs opens in about a second) and flushes any repair to disk,
    /// all on the calling thread. Call it only from a thread that may block that long; from async code use
    /// ``open(directory:clock:options:)``, which does the same without blocking a thread of Swift's
    /// cooperative pool.
    /// - Parameters:
    ///   - directory: The store's directory (created if missing).
    ///   - clock: The clock lease expiry and timestamps are read from.
    ///   - options: Retention, compaction and open behaviour.
    /// - Throws: ``StoreError`` with `unsupportedFormatVersion` for files of a newer agentctl, `corruptData`
    ///   for files that are not a store's, `io` when the directory cannot be used.
    public convenience init(directory: URL, clock: any AgentClock = SystemClock(), options: Options = Options())
        throws
    {
        try self.init(directory: directory, clock: clock, options: options, fileSystem: POSIXFileSystem())
    }

    /// Opens the store through a given file system (tests inject faults with it).
    init(directory: URL, clock: any AgentClock, options: Options, fileSystem: any StoreFileSystem) throws {
        self.directory = directory.standardizedFileURL
        engine = try StoreEngine(
            paths: StorePaths(directory: self.directory.path), fileSystem: fileSystem, clock: clock, options: options)
    }

    /// Opens the store like ``init(directory:clock:options:)``, but waits for the store lock and reads the
    /// files on a dispatch queue of its own and suspends the caller until then, so async code does not
    /// block a thread of Swift's cooperative pool (which has only as many threads as the machine has cores).
    ///
    /// ```swift
    /// let store = try await JSONFileAgentStore.open(directory: URL(filePath: ".agent-runs"))
    /// ```
    /// - Parameters:
    ///   - directory: The store's directory (created if missing).
    ///   - clock: The clock lease expiry and timestamps are read from.
    ///   - options: Retention, compaction and open behaviour.
    /// - Returns: The open store.
    /// - Throws: What ``init(directory:clock:options:)`` throws. Cancelling the calling task does not stop
    ///   an open that has started.
    public static func open(
        directory: URL, clock: any AgentClock = SystemClock(), options: Options = Options()
    ) async throws -> JSONFileAgentStore {
        try await open(directory: directory, clock: clock, options: options, fileSystem: POSIXFileSystem())
    }

    /// Opens the store through a given file system without blocking the caller's thread.
    static func open(
        directory: URL, clock: any AgentClock, options: Options, fileSystem: any StoreFileSystem
    ) async throws -> JSONFileAgentStore {
        try await withCheckedThrowingContinuation { continuation in
            // A serial queue of its own gets a thread even when every pooled thread is busy or blocked.
            DispatchQueue(label: "agent-runner.json-store.open", qos: .userInitiated).async {
                continuation.resume(
                    with: Result {
                        try JSONFileAgentStore(
                            directory: directory, clock: clock, options: options, fileSystem: fileSystem)
                    })
            }
        }
    }

    /// What opening the store (and later catching up) found and repaired; ``RecoveryReport/isClean`` when
    /// the files were intact.
    public var recoveryReport: RecoveryReport { engine.report.withLock { $0 } }

    /// The number of stored runs (as of the last catch-up).
    public var runCount: Int { engine.state.withLock { $0.runs.count } }

    // MARK: RunStore

    /// See ``RunStore/claimRun(_:)``. Atomic across every process that shares the directory.
    /// - Parameter claim: The run to create and its lease.
    /// - Returns: Whether the caller may run it.
    /// - Throws: ``StoreError`` (`duplicateRunID` if the run id exists, `io` if the journal cannot be written).
    public func claimRun(_ claim: RunClaim) async throws -> RunClaimOutcome {
        guard case .claim(let outcome) = try await engine.perform(.claim(claim)) else { throw Self.unexpected }
        return outcome
    }

    /// See ``RunStore/insertRun(_:)``.
    /// - Parameter record: The record.
    /// - Throws: ``StoreError`` with `duplicateRunID` if the run id exists.
    public func insertRun(_ record: RunRecord) async throws {
        _ = try await engine.perform(.insert(record))
    }

    /// Inserts many records at once, all or nothing per batch of 10,000 (for imports and benchmarks);
    /// each batch is one journal write and one flush.
    /// - Parameter records: The records; their ids must be new.
    /// - Throws: ``StoreError`` with `duplicateRunID`; earlier batches stay stored.
    public func insertRuns(_ records: [RunRecord]) async throws {
        var start = 0
        while start < records.count {
            let end = min(start + 10_000, records.count)
            _ = try await engine.perform(.insertMany(Array(records[start..<end])))
            start = end
        }
    }

    /// See ``RunStore/updateRun(_:)``.
    /// - Parameter record: The new version of the record.
    /// - Throws: ``StoreError`` with `runNotFound`, `invalidRecord` or `terminalRecordImmutable`.
    public func updateRun(_ record: RunRecord) async throws {
        _ = try await engine.perform(.update(record))
    }

    /// See ``RunStore/run(id:)``.
    /// - Parameter id: The run id.
    /// - Returns: The record, or `nil`.
    /// - Throws: ``StoreError`` when the files cannot be read.
    public func run(id: RunID) async throws -> RunRecord? {
        try await engine.run(id: id)
    }

    /// See ``RunStore/queryRuns(_:)``. Served from in-memory indexes; the page's records are read from
    /// the files.
    /// - Parameter query: Filters, page size and cursor.
    /// - Returns: The page, newest first.
    /// - Throws: ``StoreError`` with `invalidQuery` or `invalidCursor`.
    /// - Complexity: O(log n) to find the start, then about the number of runs the filters skip.
    public func queryRuns(_ query: RunQuery) async throws -> RunPage {
        try await engine.queryRuns(query)
    }

    /// See ``RunStore/renewRunLease(id:owner:duration:)``.
    /// - Parameters:
    ///   - id: The run id.
    ///   - owner: The lease owner.
    ///   - duration: The new lease length from now.
    /// - Returns: The updated record.
    /// - Throws: ``StoreError`` with `leaseNotHeld` or `runNotFound`.
    public func renewRunLease(id: RunID, owner: String, duration: Duration) async throws -> RunRecord {
        guard
            case .record(let record) = try await engine.perform(
                .renewRunLease(id: id, owner: owner, duration: duration))
        else { throw Self.unexpected }
        return record
    }

    /// See ``RunStore/abandonExpiredRuns()``. ``Options/abandonsExpiredRunsOnOpen`` does this on open.
    /// - Returns: The records that were abandoned.
    /// - Throws: ``StoreError`` when the journal cannot be written.
    public func abandonExpiredRuns() async throws -> [RunRecord] {
        guard case .records(let records) = try await engine.perform(.abandonExpiredRuns) else { throw Self.unexpected }
        return records
    }

    static let unexpected = StoreError(.io, "the JSON-file store answered an operation with the wrong kind of result")
}
