import AgentCore
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a store directory into a fresh ``StoreState``, repairing what a crash can leave behind.
///
/// Order matters: every file's format version is checked and every line is read before anything is
/// changed, so a store that must be refused (a newer format) is left byte for byte as it was. Only then
/// are unreadable lines copied to the quarantine file, a torn journal tail cut away and leftover
/// temporary files of dead processes deleted.
enum StoreLoader {
    /// The segment number of the journal in a freshly loaded state.
    static let journalSegment: UInt16 = 0
    /// The segment number of the snapshot in a freshly loaded state.
    static let snapshotSegment: UInt16 = 1

    private struct OpenFile {
        var file: StoreFile
        var header: StoreFileHeader
        var headerLength: Int64
        var size: Int64
    }

    /// Loads the store. The caller holds the store lock.
    /// - Parameters:
    ///   - paths: The store's files.
    ///   - fileSystem: The file system.
    ///   - now: The time, for new headers and quarantine entries.
    ///   - report: Receives what was repaired.
    /// - Returns: The state.
    /// - Throws: ``StoreError`` with `unsupportedFormatVersion`, `corruptData` or `io`.
    static func load(
        paths: StorePaths, fileSystem: any StoreFileSystem, now: Date,
        report: inout JSONFileAgentStore.RecoveryReport
    ) throws(StoreError) -> StoreState {
        var snapshot: OpenFile?
        if try exists(paths.snapshot, fileSystem) {
            let file = try StoreFile(path: paths.snapshot, flags: O_RDONLY, fileSystem: fileSystem)
            snapshot = try open(file, kind: .snapshot)
        }
        var journal: OpenFile?
        if let status = try status(paths.journal, fileSystem), status.size > 0 {
            let file = try StoreFile(path: paths.journal, flags: O_RDWR, fileSystem: fileSystem)
            journal = try open(file, kind: .journal)
        }
        let snapshotGeneration = snapshot?.header.generation ?? 0
        let replayFrom: Int64
        let opened: OpenFile
        if let journal {
            opened = journal
            if journal.header.generation == snapshotGeneration {
                replayFrom = journal.headerLength
            } else if let snapshot, journal.header.generation == snapshot.header.journalGeneration,
                let offset = snapshot.header.journalOffset, offset >= journal.headerLength, offset <= journal.size,
                try journal.file.read(count: 1, at: offset - 1) == [0x0A]
            {
                // A compaction stopped between replacing the snapshot and replacing the journal: the
                // snapshot holds the journal up to `offset`.
                replayFrom = offset
            } else {
                throw StoreError(
                    .corruptData,
                    "\(paths.journal) (generation \(journal.header.generation)) does not continue \(paths.snapshot) (generation \(snapshotGeneration)); one of them was replaced by hand. Nothing was changed; restore both files from the same backup."
                )
            }
        } else {
            opened = try createOpenJournal(
                paths: paths, generation: snapshotGeneration, now: now, fileSystem: fileSystem)
            replayFrom = opened.headerLength
        }
        var state = StoreState(
            journal: JournalPosition(
                file: opened.file, segment: journalSegment, identity: try opened.file.status().identity,
                generation: opened.header.generation, headerLength: opened.headerLength, end: replayFrom,
                writing: replayFrom, lineCount: 1))
        var quarantine: [QuarantineEntry] = []

        if let snapshot {
            state.segments[snapshotSegment] = snapshot.file
            state.snapshotSegment = snapshotSegment
            state.snapshotGeneration = snapshot.header.generation
            state.snapshotSize = snapshot.size
            state.runs.reserve(snapshot.header.counts?.runs ?? 0)
            state.changes = ChangeLog(lastSequence: snapshot.header.lastSequence ?? 0)
            let result = try LineReader.read(
                snapshot.file, from: snapshot.headerLength, to: snapshot.size, firstLineNumber: 2,
                decoding: .whenActive
            ) { line throws(StoreError) in
                try consume(
                    line, into: &state, segment: snapshotSegment, path: paths.snapshot,
                    generation: snapshot.header.generation, feeds: false, quarantine: &quarantine, report: &report)
            }
            if !result.tail.isEmpty {
                let lineNumber = 2 + result.lineCount
                report.corruptLines.append(
                    .init(
                        path: paths.snapshot, lineNumber: lineNumber, offset: result.end,
                        reason: "the last line has no line feed"))
                quarantine.append(
                    QuarantineEntry(
                        file: StorePaths.snapshotName, generation: snapshot.header.generation, lineNumber: lineNumber,
                        offset: result.end, reason: "the snapshot's last line has no line feed", bytes: result.tail))
            }
        }

        let firstLine =
            replayFrom == opened.headerLength ? 2 : try LineReader.countLines(opened.file, to: replayFrom) + 1
        let result = try LineReader.read(
            opened.file, from: replayFrom, to: opened.size, firstLineNumber: firstLine, decoding: .whenActive
        ) { line throws(StoreError) in
            try consume(
                line, into: &state, segment: journalSegment, path: paths.journal, generation: opened.header.generation,
                feeds: true, quarantine: &quarantine, report: &report)
        }
        state.journal.end = result.end
        state.journal.writing = result.end
        state.journal.lineCount = firstLine - 1 + result.lineCount

        // Everything is read: only now change files.
        if !result.tail.isEmpty {
            quarantine.append(
                QuarantineEntry(
                    file: StorePaths.journalName, generation: opened.header.generation, lineNumber: 0,
                    offset: result.end, reason: "torn tail: a write interrupted by a crash, never acknowledged",
                    bytes: result.tail))
        }
        try Quarantine.append(quarantine, at: paths.quarantine, now: now, fileSystem: fileSystem)
        if !result.tail.isEmpty {
            try opened.file.truncate(to: result.end)
            try opened.file.synchronizeData()
            report.tornTails.append(.init(path: paths.journal, offset: result.end, byteCount: result.tail.count))
        }
        try removeLeftovers(paths: paths, fileSystem: fileSystem, report: &report)
        return state
    }

    /// Applies a line read from a store file, or records why it was skipped.
    /// - Parameter feeds: Whether the line adds to the change feed (journal lines do, snapshot lines do not).
    /// - Throws: ``StoreError`` with `unsupportedFormatVersion` for a record from a newer schema.
    static func consume(
        _ line: ScannedLine, into state: inout StoreState, segment: UInt16, path: String, generation: UInt64,
        feeds: Bool, quarantine: inout [QuarantineEntry], report: inout JSONFileAgentStore.RecoveryReport
    ) throws(StoreError) {
        let failure: JSONScanError
        switch line.outcome {
        case nil:
            return
        case .success(let entry):
            do {
                try state.apply(entry, segment: segment, lineOffset: line.offset, feeds: feeds)
                return
            } catch {
                failure = error
            }
        case .failure(let error):
            failure = error
        }
        if let version = failure.unsupportedVersion {
            throw StoreError(
                .unsupportedFormatVersion,
                "line \(line.number) of \(path) holds a run record in schema version \(version), newer than this agentctl reads (\(RunRecord.currentSchemaVersion)). Upgrade agentctl (swift-agent-runner) to open this store; nothing was changed."
            )
        }
        report.corruptLines.append(
            .init(path: path, lineNumber: line.number, offset: line.offset, reason: failure.description))
        let name = path.hasSuffix(StorePaths.snapshotName) ? StorePaths.snapshotName : StorePaths.journalName
        quarantine.append(
            QuarantineEntry(
                file: name, generation: generation, lineNumber: line.number, offset: line.offset,
                reason: failure.description, bytes: line.text))
    }

    /// Creates an empty journal continuing `generation` (written to a temporary file, flushed, then
    /// renamed into place, so a crash never leaves a journal without its header).
    static func createJournal(paths: StorePaths, generation: UInt64, now: Date, fileSystem: any StoreFileSystem)
        throws(StoreError) -> (file: StoreFile, header: StoreFileHeader, headerLength: Int64, size: Int64)
    {
        let header = StoreFileHeader(kind: .journal, generation: generation, createdAt: now)
        let bytes = header.encoded()
        let temporary = paths.temporary(for: paths.journal)
        do throws(StoreError) {
            let file = try StoreFile(
                path: temporary, flags: O_RDWR | O_CREAT | O_EXCL, fileSystem: fileSystem)
            try file.write(bytes, at: 0)
            try file.synchronize()
            try rename(temporary, to: paths.journal, fileSystem)
            try synchronizeDirectory(paths.directory, fileSystem)
            // Reopen under the final name (the caller holds the lock, so it is this file) so messages name it.
            let journal = try StoreFile(path: paths.journal, flags: O_RDWR, fileSystem: fileSystem)
            return (journal, header, Int64(bytes.count), Int64(bytes.count))
        } catch {
            try? fileSystem.remove(temporary)
            throw error
        }
    }

    private static func createOpenJournal(
        paths: StorePaths, generation: UInt64, now: Date, fileSystem: any StoreFileSystem
    ) throws(StoreError) -> OpenFile {
        let created = try createJournal(paths: paths, generation: generation, now: now, fileSystem: fileSystem)
        return OpenFile(
            file: created.file, header: created.header, headerLength: created.headerLength, size: created.size)
    }

    private static func open(_ file: StoreFile, kind: StoreFileHeader.Kind) throws(StoreError) -> OpenFile {
        let size = try file.status().size
        let prefix = try file.read(count: Int(min(size, 64 * 1024)), at: 0)
        guard let newline = prefix.firstIndex(of: 0x0A) else {
            throw StoreError(
                .corruptData,
                "\(file.path) has no complete header line; it is not an agentctl store file or it was cut short. Nothing was changed; restore it from a backup or move it away."
            )
        }
        let header = try StoreFileHeader.parse(Array(prefix[..<newline]), expecting: kind, path: file.path)
        return OpenFile(file: file, header: header, headerLength: Int64(newline + 1), size: size)
    }

    /// Deletes temporary files whose writing process is gone; reports the others.
    private static func removeLeftovers(
        paths: StorePaths, fileSystem: any StoreFileSystem, report: inout JSONFileAgentStore.RecoveryReport
    ) throws(StoreError) {
        let names: [String]
        do { names = try fileSystem.contentsOfDirectory(paths.directory) } catch {
            throw StoreError(.io, "cannot list \(paths.directory): \(error)")
        }
        for name in names.sorted() {
            guard let owner = StorePaths.temporaryOwner(name) else { continue }
            let path = paths.directory + "/" + name
            if owner != getpid(), kill(owner, 0) != 0, errno == ESRCH {
                do { try fileSystem.remove(path) } catch { continue }
                report.removedTemporaryFiles.append(path)
            } else {
                report.ignoredTemporaryFiles.append(path)
            }
        }
    }

    // MARK: Small helpers

    static func exists(_ path: String, _ fileSystem: any StoreFileSystem) throws(StoreError) -> Bool {
        try status(path, fileSystem) != nil
    }

    static func status(_ path: String, _ fileSystem: any StoreFileSystem) throws(StoreError) -> FileStatus? {
        do { return try fileSystem.status(path: path) } catch { throw StoreError(.io, "cannot stat \(path): \(error)") }
    }

    static func rename(_ source: String, to destination: String, _ fileSystem: any StoreFileSystem) throws(StoreError) {
        do { try fileSystem.rename(source, to: destination) } catch {
            throw StoreError(.io, "cannot rename \(source) to \(destination): \(error)")
        }
    }

    /// Flushes a directory so renames and new files in it survive a power loss.
    static func synchronizeDirectory(_ path: String, _ fileSystem: any StoreFileSystem) throws(StoreError) {
        let directory = try StoreFile(path: path, flags: O_RDONLY | O_DIRECTORY, fileSystem: fileSystem)
        try directory.synchronize()
    }
}
