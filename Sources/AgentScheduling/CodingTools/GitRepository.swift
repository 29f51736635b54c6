import AgentCore
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The git questions a coding-task run asks about its working directory: is it a repository, where is `HEAD`,
/// which commits came after a given one. `git` is run as a child process (found on the given `PATH`); the calls
/// block, so callers run them through ``BlockingIO``.
public struct GitRepository: Sendable {
    /// A commit: its full hash and subject line.
    public struct Commit: Sendable, Hashable {
        /// The full hash.
        public var hash: String
        /// The first line of the message.
        public var subject: String
    }

    /// The working directory.
    public let directory: URL
    /// The environment `git` runs with (its `PATH` finds `git`).
    public let environment: [String: String]

    /// Creates a handle on a working directory.
    /// - Parameters:
    ///   - directory: The directory.
    ///   - environment: The environment for `git`.
    public init(directory: URL, environment: [String: String]) {
        self.directory = directory
        self.environment = environment
    }

    /// Whether the directory is inside a git work tree: it or one of its parents holds `.git` (a directory or,
    /// for worktrees and submodules, a file). Needs no `git` executable.
    /// - Parameter directory: The directory.
    /// - Returns: `true` when a `.git` entry is found.
    public static func isRepository(_ directory: URL) -> Bool {
        var current = directory.standardizedFileURL
        while true {
            if FileManager.default.fileExists(atPath: current.appendingPathComponent(".git").path) { return true }
            let parent = current.deletingLastPathComponent().standardizedFileURL
            if parent.path == current.path { return false }
            current = parent
        }
    }

    /// The commit `HEAD` points at.
    /// - Returns: The full hash, or `nil` when the branch has no commit yet.
    /// - Throws: ``SubprocessError`` when `git` cannot run or the directory is not a repository.
    public func head() throws(SubprocessError) -> String? {
        let (status, output, error) = try git(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"])
        if status == 0 { return output.trimmingCharacters(in: .whitespacesAndNewlines) }
        if status == 1, error.isEmpty { return nil }
        throw SubprocessError(
            .invalidConfiguration,
            "git rev-parse HEAD failed in \(directory.path) (exit \(status)): \(error.trimmingCharacters(in: .whitespacesAndNewlines))"
        )
    }

    /// The commits reachable from `to` but not from `from`, oldest first.
    /// - Parameters:
    ///   - from: The earlier `HEAD`, or `nil` when there was none.
    ///   - to: The later `HEAD`.
    /// - Returns: The commits.
    /// - Throws: ``SubprocessError`` when `git` fails.
    public func commits(from: String?, to: String) throws(SubprocessError) -> [Commit] {
        let range = from.map { "\($0)..\(to)" } ?? to
        let (status, output, error) = try git(["log", "--reverse", "--format=%H%x09%s", range])
        guard status == 0 else {
            throw SubprocessError(
                .invalidConfiguration,
                "git log \(range) failed in \(directory.path) (exit \(status)): \(error.trimmingCharacters(in: .whitespacesAndNewlines))"
            )
        }
        return output.split(separator: "\n").map { line in
            let parts = line.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false)
            return Commit(hash: String(parts[0]), subject: parts.count > 1 ? String(parts[1]) : "")
        }
    }

    /// Runs `git ARGS` in the directory and collects its exit status and output.
    private func git(_ arguments: [String]) throws(SubprocessError) -> (Int32, String, String) {
        let path = try ProcessLauncher.resolveExecutable("git", environment: environment, workingDirectory: nil)
        let output = try ProcessLauncher.makePipe()
        let errors: (read: Int32, write: Int32)
        do {
            errors = try ProcessLauncher.makePipe()
        } catch {
            ProcessLauncher.close(output.read)
            ProcessLauncher.close(output.write)
            throw error
        }
        var variables = environment
        variables["GIT_TERMINAL_PROMPT"] = "0"
        variables["LC_ALL"] = "C"
        let pid: pid_t
        do {
            pid = try ProcessLauncher.spawn(
                path: path, arguments: ["git"] + arguments, environment: variables, workingDirectory: directory.path,
                stdout: output.write, stderr: errors.write)
        } catch {
            for descriptor in [output.read, output.write, errors.read, errors.write] {
                ProcessLauncher.close(descriptor)
            }
            throw error
        }
        ProcessLauncher.close(output.write)
        ProcessLauncher.close(errors.write)
        // git's error output is small, so reading standard output to its end first cannot dead-lock on it.
        let text = Self.readAll(output.read)
        let errorText = Self.readAll(errors.read)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exitStatus: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return (exitStatus, text, errorText)
    }

    private static func readAll(_ descriptor: Int32) -> String {
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                data.append(contentsOf: buffer[..<count])
            } else if count < 0 && errno == EINTR {
                continue
            } else {
                break
            }
        }
        ProcessLauncher.close(descriptor)
        return String(decoding: data, as: UTF8.self)
    }
}
