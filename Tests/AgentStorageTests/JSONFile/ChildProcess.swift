import Dispatch
import Foundation
import Synchronization

/// A child process running the built `agentctl`, with its standard output read line by line.
///
/// Nothing here blocks the calling thread: reading a pipe runs on the child's own serial dispatch queue
/// (which gets a thread of its own) and the exit is reported by the process's termination handler, both
/// awaited. Swift's cooperative pool has only as many threads as the machine has cores, so a test that
/// blocked one of them in `read()` or `waitUntilExit()` would stall every other test of the run.
final class ChildProcess: Sendable {
    let process = Process()
    private let output = Pipe()
    private let input = Pipe()
    private let errors = Pipe()
    private let io = DispatchQueue(label: "agentctl-tests.child-process.io")
    private let lines = Mutex(LineBuffer())
    private let exitStatus = OneShot<Int32>()
    private let errorText = OneShot<String>()

    /// The `agentctl` built next to the test bundle (or `$AGENTCTL_BINARY`).
    static func agentctl() throws -> URL {
        if let override = ProcessInfo.processInfo.environment["AGENTCTL_BINARY"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        let executable =
            FileManager.default.fileExists(atPath: "/proc/self/exe")
            ? URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath() : Bundle.main.bundleURL
        let candidate = executable.deletingLastPathComponent().appendingPathComponent("agentctl")
        guard FileManager.default.isExecutableFile(atPath: candidate.path) else {
            throw ChildProcessError(
                message:
                    "no agentctl next to the tests at \(candidate.path); build it (swift build) or set AGENTCTL_BINARY")
        }
        return candidate
    }

    /// Fails with a clear message when the built `agentctl` does not have the hidden torture command.
    static func requireTortureCommand() async throws {
        let probe = try ChildProcess(["__store-torture", "--help"])
        let exit = await probe.wait()
        guard exit.status == 0 else {
            throw ChildProcessError(
                message:
                    "agentctl does not know __store-torture (\(exit.errors.trimmingCharacters(in: .whitespacesAndNewlines))); register StoreTortureCommand in CommandRouter.hiddenCommands"
            )
        }
    }

    init(_ arguments: [String]) throws {
        process.executableURL = try Self.agentctl()
        process.arguments = arguments
        process.standardOutput = output
        process.standardInput = input
        process.standardError = errors
        process.terminationHandler = { [exitStatus] process in exitStatus.fulfil(process.terminationStatus) }
        try process.run()
        // Standard error is drained from the start, so a chatty child can never fill the pipe and stall.
        DispatchQueue(label: "agentctl-tests.child-process.errors").async { [errors, errorText] in
            errorText.fulfil(String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
        }
    }

    /// The next line of standard output, or `nil` at its end. Suspends until a line arrives.
    func readLine() async -> String? {
        while true {
            switch lines.withLock({ $0.next() }) {
            case .line(let line): return line
            case .end: return nil
            case .needMore:
                let descriptor = output.fileHandleForReading.fileDescriptor
                let chunk = await withCheckedContinuation { (continuation: CheckedContinuation<[UInt8], Never>) in
                    io.async { continuation.resume(returning: Self.readChunk(descriptor)) }
                }
                lines.withLock { $0.append(chunk) }
            }
        }
    }

    /// Every remaining line of standard output.
    func remainingLines() async -> [String] {
        var lines: [String] = []
        while let line = await readLine() { lines.append(line) }
        return lines
    }

    /// Writes to the child's standard input (a few bytes into a pipe the child reads, which does not block).
    func send(_ text: String) {
        input.fileHandleForWriting.write(Data(text.utf8))
    }

    /// Kills the child with SIGKILL and waits for it.
    func kill() async {
        _ = Foundation.kill(process.processIdentifier, SIGKILL)
        _ = await exitStatus.value()
    }

    /// Waits for the child to exit; returns its status and standard error.
    func wait() async -> (status: Int32, errors: String) {
        let status = await exitStatus.value()
        return (status, await errorText.value())
    }

    /// One `read()` of up to 64 KiB; empty at the end of the pipe (or on an error). Blocks: call it on `io`.
    private static func readChunk(_ descriptor: Int32) -> [UInt8] {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            return count > 0 ? Array(chunk[..<count]) : []
        }
    }
}

/// Splits bytes read from a pipe into lines.
private struct LineBuffer {
    enum Next {
        case line(String)
        case end
        case needMore
    }

    private var buffer: [UInt8] = []
    private var reachedEnd = false

    mutating func next() -> Next {
        if let newline = buffer.firstIndex(of: 0x0A) {
            let line = String(decoding: buffer[..<newline], as: UTF8.self)
            buffer.removeFirst(newline + 1)
            return .line(line)
        }
        return reachedEnd ? .end : .needMore
    }

    /// Adds a chunk; an empty chunk marks the end of the pipe.
    mutating func append(_ chunk: [UInt8]) {
        if chunk.isEmpty { reachedEnd = true } else { buffer.append(contentsOf: chunk) }
    }
}

/// A value that arrives once, awaited by any number of tasks.
private final class OneShot<Value: Sendable>: Sendable {
    private let state = Mutex<(value: Value?, waiters: [CheckedContinuation<Value, Never>])>((nil, []))

    func fulfil(_ value: Value) {
        let waiters = state.withLock { state in
            state.value = value
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: value) }
    }

    func value() async -> Value {
        await withCheckedContinuation { continuation in
            let ready: Value? = state.withLock { state in
                if let value = state.value { return value }
                state.waiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}

struct ChildProcessError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
