import AgentScheduling
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A child process started by a test: the one harness every test target uses to launch `agentctl`, the
/// test tool, or anything else.
///
/// It is built on the project's own launcher (``ProcessLauncher``: `posix_spawn` into a new process group,
/// close-on-exec pipes, no inherited descriptors), not on Foundation's `Process`. The child is reaped by
/// `waitpid` on a thread of its own and its output is read on another, so nothing blocks a thread of
/// Swift's cooperative pool, and the output always ends once the child has exited.
///
/// **Every wait has a deadline.** When it passes, the harness kills the child's whole process group with
/// SIGKILL and throws a ``Failure`` naming what it waited for, with the end of the child's standard output
/// and error. Waits poll the state every few milliseconds, so a lost wake-up cannot exist.
///
/// **Every child dies with its test.** Pair the start with `defer { process.kill() }`; the harness also kills
/// the group when the object is released.
///
/// ```swift
/// let serve = try TestProcess(executable: agentctl, arguments: ["serve", "--json"])
/// defer { serve.kill() }
/// try await serve.waitForLine("serve to start") { $0.contains("serveStarted") }
/// serve.send(SIGTERM)
/// let result = try await serve.waitForExit()
/// ```
package final class TestProcess: Sendable {
    /// How long a wait lasts unless the test says otherwise.
    package static let defaultTimeout: Duration = .seconds(30)
    /// How often a wait looks at the state again.
    static let pollInterval: Duration = .milliseconds(10)

    /// The child's pid, which is also its process group id.
    package let processIdentifier: Int32
    /// The command line, for messages.
    package let commandLine: String
    let output = ProcessOutput()
    /// The write end of the child's standard input, or -1 (none, or closed).
    private let input: Mutex<Int32>

    /// Starts a child in a process group of its own.
    /// - Parameters:
    ///   - executable: The program.
    ///   - arguments: The arguments after the program's name.
    ///   - environment: The complete environment (default: this process's).
    ///   - workingDirectory: Where it starts (default: this process's current directory).
    ///   - standardInput: Whether the test writes to its standard input (``write(_:)``); otherwise it reads
    ///     `/dev/null`.
    /// - Throws: ``Failure`` when it cannot be started.
    package init(
        executable: URL, arguments: [String], environment: [String: String]? = nil, workingDirectory: URL? = nil,
        standardInput: Bool = false
    ) throws {
        _ = Self.ignoreBrokenPipes
        let path = executable.path
        commandLine = ([executable.lastPathComponent] + arguments).joined(separator: " ")
        var opened: [Int32] = []
        do {
            let out = try ProcessLauncher.makePipe()
            opened += [out.read, out.write]
            let err = try ProcessLauncher.makePipe()
            opened += [err.read, err.write]
            let stdin = try standardInput ? ProcessLauncher.makePipe() : nil
            if let stdin { opened += [stdin.read, stdin.write] }
            let pid = try ProcessLauncher.spawn(
                path: path, arguments: [path] + arguments,
                environment: environment ?? ProcessInfo.processInfo.environment,
                workingDirectory: workingDirectory?.path, stdin: stdin?.read, stdout: out.write, stderr: err.write)
            for descriptor in [out.write, err.write, stdin?.read ?? -1] { ProcessLauncher.close(descriptor) }
            if let stdin { _ = fcntl(stdin.write, F_SETFL, fcntl(stdin.write, F_GETFL) | O_NONBLOCK) }
            processIdentifier = pid
            input = Mutex(stdin?.write ?? -1)
            ProcessExit.waitOnThread(for: pid) { [output] exit in output.exited(exit) }
            OutputReader.start(stdout: out.read, stderr: err.read, into: output, name: "test-process-output-\(pid)")
        } catch {
            for descriptor in opened { ProcessLauncher.close(descriptor) }
            throw Failure("could not start \(commandLine): \(error)")
        }
    }

    /// A write to a pipe whose reader has gone must fail with `EPIPE` instead of killing the test process.
    private static let ignoreBrokenPipes: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    deinit {
        kill()
        input.withLock { ProcessLauncher.close($0) }
    }

    // MARK: What happened so far

    /// Standard output so far.
    package var out: String { output.state.withLock { String(decoding: $0.out, as: UTF8.self) } }
    /// Standard error so far.
    package var err: String { output.state.withLock { String(decoding: $0.err, as: UTF8.self) } }
    /// Standard output's complete lines so far (the text after the last newline is not one yet).
    package var lines: [String] {
        var lines = out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines.removeLast()
        return lines
    }
    /// Whether the child has been reaped.
    package var hasExited: Bool { output.state.withLock { $0.exit != nil } }
    /// Whether nothing more can happen: the child has been reaped and its output has ended.
    package var hasEnded: Bool { output.state.withLock(\.hasEnded) }

    // MARK: Acting on the child

    /// Sends a signal to the child (not its group), unless it has been reaped (its pid may be another
    /// process's by then).
    /// - Parameter signal: The signal.
    package func send(_ signal: Int32) {
        guard !hasExited else { return }
        _ = Foundation.kill(processIdentifier, signal)
    }

    /// Kills the child's whole process group with SIGKILL, without waiting. Does nothing once the child has
    /// been reaped and its group is empty; safe to call any number of times.
    package func kill() {
        // A pid is not handed out again while a process group of that id has members, so while the group
        // exists it is this child's.
        guard !hasExited || ProcessLauncher.groupExists(processIdentifier) else { return }
        ProcessLauncher.signalGroup(SIGKILL, group: processIdentifier)
    }

    /// Writes to the child's standard input.
    /// - Parameter text: A few bytes (the pipe does not block: more than it holds is an error).
    /// - Throws: ``Failure`` when the child was not started with `standardInput: true`, or the write failed.
    package func write(_ text: String) throws {
        let bytes = Array(text.utf8)
        let (count, error) = input.withLock { descriptor -> (Int, Int32?) in
            guard descriptor >= 0 else { return (0, EBADF) }
            return bytes.withUnsafeBytes { ProcessLauncher.writeAll(descriptor, $0) }
        }
        guard let error else { return }
        throw failure(
            "writing \(bytes.count) bytes to its standard input failed after \(count): \(String(cString: strerror(error)))"
        )
    }

    /// Closes the child's standard input, so it reads its end.
    package func closeInput() {
        input.withLock { descriptor in
            ProcessLauncher.close(descriptor)
            descriptor = -1
        }
    }
}
