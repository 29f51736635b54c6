import AgentCore
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The log directory of one subprocess run: `<logRoot>/<agent>/<run-id>/` with `stdout.log`, `stderr.log`,
/// `metadata.json` and `summary.txt`.
///
/// ``SubprocessAgent`` creates the directory and writes the logs, and writes `metadata.json` and
/// `summary.txt` when the command starts and when it ends. Because the orchestrator writes the terminal
/// record only after the agent has returned, the agent's own `metadata.json` is provisional
/// (`"recordIsFinal": false`). To store the terminal record there, call ``writeMetadata(_:redacting:)``
/// after `Orchestrator.execute` returns, or let a ``RunLogFinalizer`` do it for every run it sees end.
///
/// Directories are created with mode 0700 and files with mode 0600: output can be sensitive.
/// `metadata.json` and `summary.txt` are replaced atomically (temporary file, `fsync`, `rename`), so a crash
/// leaves the old or the new version, never a torn one.
public struct RunLogDirectory: Sendable, Hashable {
    /// `stdout.log`.
    public static let stdoutFileName = "stdout.log"
    /// `stderr.log`.
    public static let stderrFileName = "stderr.log"
    /// `metadata.json`.
    public static let metadataFileName = "metadata.json"
    /// `summary.txt`.
    public static let summaryFileName = "summary.txt"
    /// `transcript.log` (written when ``SubprocessConfiguration/writesTranscript`` is set).
    public static let transcriptFileName = "transcript.log"
    /// Every file name above: the files the runner writes for each run of a command agent.
    public static let fileNames: Set<String> = [
        stdoutFileName, stderrFileName, metadataFileName, summaryFileName, transcriptFileName,
    ]

    /// Serializes metadata writes in this process, so a provisional write never replaces a final one.
    private static let writeLock = Mutex(())

    /// The directory.
    public let url: URL
    /// The agent.
    public let agentName: AgentName
    /// The run.
    public let runID: RunID

    /// Locates the directory of a run (it may not exist).
    /// - Parameters:
    ///   - root: The log root (``SubprocessConfiguration/logRoot``).
    ///   - agent: The agent's name (validated, so safe as a path component).
    ///   - runID: The run's id.
    public init(root: URL, agent: AgentName, runID: RunID) {
        self.url = root.appendingPathComponent(agent.rawValue, isDirectory: true)
            .appendingPathComponent(runID.rawValue, isDirectory: true)
        self.agentName = agent
        self.runID = runID
    }

    /// Locates the directory of a run inside an explicit per-agent directory (it may not exist).
    /// - Parameters:
    ///   - agentDirectory: The directory holding the agent's runs (``SubprocessConfiguration/agentLogDirectory``).
    ///   - agent: The agent's name.
    ///   - runID: The run's id.
    public init(agentDirectory: URL, agent: AgentName, runID: RunID) {
        self.url = agentDirectory.appendingPathComponent(runID.rawValue, isDirectory: true)
        self.agentName = agent
        self.runID = runID
    }

    /// `transcript.log`: both streams interleaved in arrival order, each line marked with its stream.
    public var transcriptURL: URL { url.appendingPathComponent(Self.transcriptFileName) }

    /// `stdout.log`: the command's standard output (redacted, bounded).
    public var stdoutURL: URL { url.appendingPathComponent(Self.stdoutFileName) }
    /// `stderr.log`: the command's standard error (redacted, bounded).
    public var stderrURL: URL { url.appendingPathComponent(Self.stderrFileName) }
    /// `metadata.json`: the run record and the process report (see ``RunLogMetadata``).
    public var metadataURL: URL { url.appendingPathComponent(Self.metadataFileName) }
    /// `summary.txt`: the same for people.
    public var summaryURL: URL { url.appendingPathComponent(Self.summaryFileName) }

    /// Whether the directory exists.
    public var exists: Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// Reads `metadata.json`.
    /// - Returns: The record, the process report and whether the record is final.
    /// - Throws: ``SubprocessError`` with ``SubprocessError/Code/logDirectoryFailed`` when the file is missing
    ///   or unreadable.
    public func readMetadata() throws(SubprocessError) -> RunLogMetadata {
        let data: Data
        do {
            data = try Data(contentsOf: metadataURL)
        } catch {
            throw SubprocessError(
                .logDirectoryFailed, "cannot read \(metadataURL.path): \(error.localizedDescription)",
                failureClass: .transient)
        }
        do {
            return try JSONDecoder().decode(RunLogMetadata.self, from: data)
        } catch {
            throw SubprocessError(
                .logDirectoryFailed, "\(metadataURL.path) is not a valid metadata file: \(error)",
                failureClass: .permanent)
        }
    }

    /// Replaces the record in `metadata.json` (keeping the process report the agent wrote) with a record
    /// from the store, normally the terminal one, and rewrites `summary.txt`; marks it final when the
    /// record's status is terminal. Does nothing when the directory does not exist (the run was not a
    /// subprocess run, or ran elsewhere). The blocking file work runs off Swift's cooperative pool.
    /// - Parameters:
    ///   - record: The record as stored.
    ///   - secrets: Values to redact from everything written (``SubprocessAgent/secretValues``).
    /// - Returns: Whether the files were written.
    /// - Throws: ``SubprocessError`` with ``SubprocessError/Code/logDirectoryFailed`` when writing fails.
    @discardableResult
    public func writeMetadata(_ record: RunRecord, redacting secrets: [String] = []) async throws -> Bool {
        let directory = self
        return try await BlockingIO.perform { () throws -> Bool in
            guard directory.exists else { return false }
            let existing = try? directory.readMetadata()
            let metadata = RunLogMetadata(
                record: record, process: existing?.process, recordIsFinal: record.status.isTerminal)
            return try directory.write(metadata, redactor: SecretRedactor(secrets: secrets))
        }
    }

    /// Creates the directory (and its parents) with mode 0700.
    func create() throws(SubprocessError) {
        do {
            try FileManager.default.createDirectory(
                at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw SubprocessError(
                .logDirectoryFailed,
                "cannot create the run's log directory \(url.path): \(error.localizedDescription); check that the log root is writable",
                failureClass: .transient)
        }
    }

    /// Creates (or truncates) a log file with mode 0600 for writing.
    /// - Parameter name: The file's name in the directory.
    /// - Returns: The descriptor (close-on-exec).
    func openLogFile(_ name: String) throws(SubprocessError) -> Int32 {
        let path = url.appendingPathComponent(name).path
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw SubprocessError(
                .logDirectoryFailed, "cannot create \(path): \(String(cString: strerror(errno)))",
                failureClass: .transient)
        }
        return descriptor
    }

    /// Writes `metadata.json` and `summary.txt` atomically, unless a provisional version would replace a final
    /// one; a final record without `notifiedAt` keeps the time a concurrent writer already stored.
    /// - Parameters:
    ///   - metadata: The content.
    ///   - redactor: The secrets to hide.
    /// - Returns: Whether the files were written.
    func write(_ metadata: RunLogMetadata, redactor: SecretRedactor) throws(SubprocessError) -> Bool {
        try Self.writeLock.withLock { _ throws(SubprocessError) -> Bool in
            var metadata = metadata
            if let existing = try? readMetadata(), existing.recordIsFinal {
                guard metadata.recordIsFinal else { return false }
                if metadata.record.notifiedAt == nil { metadata.record.notifiedAt = existing.record.notifiedAt }
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let json: String
            do {
                json = String(decoding: try encoder.encode(metadata), as: UTF8.self)
            } catch {
                throw SubprocessError(.logDirectoryFailed, "cannot encode the metadata of run \(runID): \(error)")
            }
            let summary = redactor.redact(Self.summaryText(for: metadata))
            try Self.writeAtomically(Array((redactor.redactJSON(json) + "\n").utf8), to: metadataURL)
            try Self.writeAtomically(Array(summary.utf8), to: summaryURL)
            return true
        }
    }

    /// Writes a file by way of a temporary file, `fsync`, `rename` and an `fsync` of the directory.
    private static func writeAtomically(_ bytes: [UInt8], to target: URL) throws(SubprocessError) {
        let directory = target.deletingLastPathComponent().path
        let temporary = "\(directory)/.\(target.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        func failure(_ action: String) -> SubprocessError {
            SubprocessError(
                .logDirectoryFailed, "\(action) \(target.path) failed: \(String(cString: strerror(errno)))",
                failureClass: .transient)
        }
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw failure("creating a temporary file for") }
        let wrote = bytes.withUnsafeBytes { ProcessLauncher.writeAll(descriptor, $0).error == nil }
        guard wrote, fsync(descriptor) == 0 else {
            let error = failure("writing")
            ProcessLauncher.close(descriptor)
            unlink(temporary)
            throw error
        }
        ProcessLauncher.close(descriptor)
        guard rename(temporary, target.path) == 0 else {
            let error = failure("replacing")
            unlink(temporary)
            throw error
        }
        let directoryDescriptor = open(directory, O_RDONLY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            _ = fsync(directoryDescriptor)
            ProcessLauncher.close(directoryDescriptor)
        }
    }
}
