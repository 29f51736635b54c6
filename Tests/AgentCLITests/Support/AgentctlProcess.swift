import Foundation
import Synchronization

/// A running `agentctl` (for example `serve`): its output collected line by line on dedicated threads, waits with
/// bounded timeouts, signals.
final class AgentctlProcess: Sendable {
    /// Something did not happen in time.
    struct Timeout: Error, CustomStringConvertible {
        var what: String
        var output: String
        var description: String { "timed out waiting for \(what); output so far:\n\(output)" }
    }

    private struct State {
        var out: [UInt8] = []
        var err: [UInt8] = []
        var openStreams = 2
        var exitStatus: Int32?
        /// Grows with every change, so a waiter can tell whether something happened since it last looked.
        var version: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter: UInt64 = 0
        var isDone: Bool { exitStatus != nil && openStreams == 0 }
    }

    /// The state, shared with the reader threads and the termination handler.
    private final class Shared: Sendable {
        let state = Mutex(State())

        /// Applies a change and wakes every waiter, which re-checks its own condition.
        func change(_ body: (inout State) -> Void) {
            let waiters = state.withLock { state in
                body(&state)
                state.version += 1
                defer { state.waiters = [:] }
                return Array(state.waiters.values)
            }
            for waiter in waiters { waiter.resume() }
        }
    }

    /// The process, kept alive while it runs (it also holds the pipes).
    private let process: Mutex<Process>
    private let pid: Int32
    private let shared = Shared()

    /// Starts `agentctl`.
    init(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]) throws {
        let process = Process()
        process.executableURL = try AgentctlBinary.locate()
        process.arguments = arguments
        process.environment = AgentctlBinary.environment(environment)
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        process.terminationHandler = { [shared] finished in
            let status = finished.terminationStatus
            shared.change { $0.exitStatus = status }
        }
        try process.run()
        pid = process.processIdentifier
        for (descriptor, isOut) in [
            (out.fileHandleForReading.fileDescriptor, true), (err.fileHandleForReading.fileDescriptor, false),
        ] {
            // Blocking reads on a thread of their own, never on Swift's cooperative pool.
            let thread = Thread { [shared] in
                var buffer = [UInt8](repeating: 0, count: 65_536)
                while true {
                    let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                    if count < 0 && errno == EINTR { continue }
                    if count <= 0 { break }
                    let chunk = buffer[..<count]
                    shared.change { isOut ? $0.out.append(contentsOf: chunk) : $0.err.append(contentsOf: chunk) }
                }
                shared.change { $0.openStreams -= 1 }
            }
            thread.start()
        }
        self.process = Mutex(process)
    }

    /// The process id.
    var processIdentifier: Int32 { pid }

    /// Standard output so far.
    var out: String { shared.state.withLock { String(decoding: $0.out, as: UTF8.self) } }
    /// Standard error so far.
    var err: String { shared.state.withLock { String(decoding: $0.err, as: UTF8.self) } }
    /// Standard output's complete lines so far.
    var lines: [String] {
        let text = out
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines.removeLast()  // The text after the last newline is not a complete line (or is empty).
        return lines
    }

    /// Sends a signal, unless the process has ended (its pid may belong to another process by then).
    func send(_ signal: Int32) {
        guard shared.state.withLock({ $0.exitStatus == nil }) else { return }
        kill(pid, signal)
    }

    /// Waits until `condition` holds for the output so far (checked whenever output arrives or the process ends).
    /// - Throws: ``Timeout`` when it does not hold within `timeout`, or when the process ended without it.
    func waitUntil(
        _ what: String, timeout: Duration = .seconds(20), _ condition: @escaping @Sendable (AgentctlProcess) -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while true {
            let (version, done) = shared.state.withLock { ($0.version, $0.isDone) }
            if condition(self) { return }
            guard ContinuousClock.now < deadline, !done else { throw Timeout(what: what, output: out + err) }
            await waitForChange(after: version, until: deadline)
        }
    }

    /// Waits for the first complete output line that satisfies `predicate`.
    @discardableResult
    func waitForLine(
        _ what: String, timeout: Duration = .seconds(20), where predicate: @escaping @Sendable (String) -> Bool
    ) async throws -> String {
        try await waitUntil(what, timeout: timeout) { $0.lines.contains(where: predicate) }
        return lines.first(where: predicate) ?? ""
    }

    /// Waits for the process to end and its output to close; kills it if that takes longer than `timeout`.
    func waitForExit(timeout: Duration = .seconds(60)) async throws -> AgentctlBinary.Result {
        do {
            try await waitUntil("agentctl to exit", timeout: timeout) { $0.shared.state.withLock(\.isDone) }
        } catch {
            send(SIGKILL)
            throw error
        }
        return shared.state.withLock {
            AgentctlBinary.Result(
                status: $0.exitStatus ?? -1, out: String(decoding: $0.out, as: UTF8.self),
                err: String(decoding: $0.err, as: UTF8.self))
        }
    }

    /// Suspends until the state changes after `version` or the deadline passes (whichever is first).
    private func waitForChange(after version: UInt64, until deadline: ContinuousClock.Instant) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [shared] in
                await withCheckedContinuation { continuation in
                    let resumeNow = shared.state.withLock { state -> Bool in
                        if state.version != version || state.isDone || Task.isCancelled { return true }
                        state.nextWaiter += 1
                        state.waiters[state.nextWaiter] = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            }
            group.addTask { try? await Task.sleep(until: deadline, clock: .continuous) }
            await group.next()
            // Free the waiter if the deadline came first, so the group can finish: a waiter that registers after
            // this sees the cancellation.
            group.cancelAll()
            let waiters = shared.state.withLock { state in
                defer { state.waiters = [:] }
                return Array(state.waiters.values)
            }
            for waiter in waiters { waiter.resume() }
        }
    }

    deinit {
        if shared.state.withLock({ $0.exitStatus == nil }) { kill(pid, SIGKILL) }
    }
}
