import AgentCore
import AgentScheduling
import AgentStorage
import Foundation

/// `agentctl logs RUN --follow`: prints a run's log as it is written and returns once the run has ended and
/// the rest of the log is printed, as `tail -f` would if it knew when the writer was done.
///
/// The log is the run's `transcript.log` when it has one (coding-task runs), else `stdout.log` (or `stderr.log`
/// with `--stderr`). Complete lines are printed as they appear; the file and the run's record are looked at
/// every `interval`.
struct LogFollower {
    /// The run.
    var runID: RunID
    /// Its log directory.
    var directory: RunLogDirectory
    /// Whether standard error was asked for.
    var standardError: Bool
    /// How often the file and the record are looked at.
    var interval: Duration = .milliseconds(200)

    /// Follows the log until the run ends.
    /// - Parameters:
    ///   - store: Where the run's record is.
    ///   - io: Where the log goes.
    /// - Returns: The exit status: 0, or 1 when the store cannot be read.
    func follow(store: any RunStore, io: CommandIO) async -> Int32 {
        var offset: UInt64 = 0
        var pending = Data()
        var file: URL?
        while true {
            let ended: Bool
            do {
                ended = try await store.run(id: runID)?.status.isTerminal ?? true
            } catch {
                io.printError("agentctl logs: \(error)")
                return ExitCode.failure
            }
            if file == nil { file = chooseFile() }
            if let file, let chunk = Self.read(file, from: offset) {
                offset += UInt64(chunk.count)
                pending.append(chunk)
                if let newline = pending.lastIndex(of: 0x0A) {
                    io.write(String(decoding: pending[...newline], as: UTF8.self))
                    pending = Data(pending[pending.index(after: newline)...])
                }
            }
            if ended {
                if !pending.isEmpty { io.write(String(decoding: pending, as: UTF8.self)) }
                return ExitCode.success
            }
            do {
                try await Task.sleep(for: interval)
            } catch {
                return ExitCode.success
            }
        }
    }

    /// The transcript when it exists, else the chosen stream's log, once the run's directory exists.
    private func chooseFile() -> URL? {
        let manager = FileManager.default
        if !standardError, manager.fileExists(atPath: directory.transcriptURL.path) { return directory.transcriptURL }
        let stream = standardError ? directory.stderrURL : directory.stdoutURL
        return manager.fileExists(atPath: stream.path) ? stream : nil
    }

    /// The bytes of a file from an offset, or `nil` when there are none (yet).
    private static func read(_ url: URL, from offset: UInt64) -> Data? {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return nil }
        defer { try? handle.close() }
        guard (try? handle.seek(toOffset: offset)) != nil, let data = try? handle.readToEnd(), !data.isEmpty else {
            return nil
        }
        return data
    }
}
