import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A program that a host or a test starts beside the runner (a worker of a benchmark, a load generator, a server
/// control script): started with `posix_spawn` in a process group of its own, its standard output and error
/// appended to a file (or discarded), reaped on a thread of its own, and only ever waited for with a deadline.
///
/// Subprocess agents use the same launcher; this type is for programs that are not agents.
///
/// ```swift
/// let worker = try ChildProcess(executable: URL(fileURLWithPath: "/usr/bin/wrk"), arguments: ["-d5s", url],
///                               output: logFile)
/// guard let exit = await worker.waitForExit(timeout: .seconds(30)) else { worker.signal(SIGKILL); … }
/// ```
public final class ChildProcess: Sendable {
    /// The child's process id, which is also its process group id.
    public let processIdentifier: pid_t
    /// The command line, for messages.
    public let commandLine: String
    private let ended = EndSlot()

    /// Starts a program.
    /// - Parameters:
    ///   - executable: The program's path.
    ///   - arguments: The arguments after the program's name.
    ///   - environment: The complete environment (default: this process's).
    ///   - workingDirectory: Where it starts (default: this process's current directory).
    ///   - output: A file that its standard output and error are appended to (created if missing), or `nil` to
    ///     discard them. Its standard input is `/dev/null`.
    /// - Throws: ``SubprocessError`` when the output file cannot be opened or the program cannot be started.
    public init(
        executable: URL, arguments: [String], environment: [String: String]? = nil, workingDirectory: URL? = nil,
        output: URL? = nil
    ) throws(SubprocessError) {
        let path = executable.path
        commandLine = ([executable.lastPathComponent] + arguments).joined(separator: " ")
        let target = output?.path ?? "/dev/null"
        let descriptor = open(target, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw SubprocessError(
                .spawnFailed,
                "cannot open \(target) for the output of \(commandLine): \(String(cString: strerror(errno)))")
        }
        defer { ProcessLauncher.close(descriptor) }
        let pid = try ProcessLauncher.spawn(
            path: path, arguments: [path] + arguments, environment: environment ?? ProcessInfo.processInfo.environment,
            workingDirectory: workingDirectory?.path, stdout: descriptor, stderr: descriptor)
        processIdentifier = pid
        ProcessExit.waitOnThread(for: pid) { [ended] exit in ended.exit.withLock { $0 = exit } }
    }

    /// How it ended, or `nil` while it runs.
    public var exit: ProcessExit? { ended.exit.withLock { $0 } }

    /// Sends a signal to its process group (it and whatever it started without a group of its own).
    /// - Parameter signal: The signal, such as `SIGTERM` or `SIGKILL`.
    public func signal(_ signal: Int32) {
        ProcessLauncher.signalGroup(signal, group: processIdentifier)
    }

    /// Waits for it to end, at most `timeout` of real time.
    /// - Parameter timeout: The deadline, from now.
    /// - Returns: How it ended, or `nil` when it still runs at the deadline (or the waiting task is cancelled).
    public func waitForExit(timeout: Duration) async -> ProcessExit? {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while true {
            if let exit { return exit }
            guard clock.now < deadline, (try? await clock.sleep(for: .milliseconds(10))) != nil else { return exit }
        }
    }
}

/// Where the reaping thread leaves how the child ended (a class, so the thread's closure can hold it).
private final class EndSlot: Sendable {
    let exit = Mutex<ProcessExit?>(nil)
}
