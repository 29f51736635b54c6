import AgentScheduling
import Foundation
import Synchronization

extension TestProcess {
    /// Waits until `condition` holds, looking again every few milliseconds.
    ///
    /// - Parameters:
    ///   - what: What the test waits for, for the failure message ("serve to apply the pause").
    ///   - timeout: The deadline, from now.
    ///   - condition: Checked against this process (its output, its exit, or anything else).
    /// - Throws: ``Failure`` when the deadline passes (the process group is then killed), or when the process
    ///   has ended without the condition holding; `CancellationError` when the test is cancelled (the group is
    ///   killed too).
    package func waitUntil(
        _ what: String, timeout: Duration = TestProcess.defaultTimeout,
        _ condition: @Sendable (TestProcess) -> Bool
    ) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while true {
            // Read before checking, so a condition that turns true as the process ends is still seen.
            let ended = hasEnded
            if condition(self) { return }
            if ended { throw failure("it ended before \(what)") }
            if clock.now >= deadline {
                kill()
                throw failure("timed out after \(timeout) waiting for \(what); its process group was killed")
            }
            do {
                try await clock.sleep(for: Self.pollInterval)
            } catch {
                kill()
                throw error
            }
        }
    }

    /// Waits for the first complete line of standard output that satisfies `predicate`.
    /// - Parameters:
    ///   - what: What the line means, for the failure message.
    ///   - timeout: The deadline, from now.
    ///   - predicate: Which line.
    /// - Returns: The first such line.
    /// - Throws: See ``waitUntil(_:timeout:_:)``.
    @discardableResult
    package func waitForLine(
        _ what: String, timeout: Duration = TestProcess.defaultTimeout,
        where predicate: @escaping @Sendable (String) -> Bool
    ) async throws -> String {
        try await waitUntil(what, timeout: timeout) { $0.lines.contains(where: predicate) }
        return lines.first(where: predicate) ?? ""
    }

    /// Waits for a file to exist.
    /// - Parameters:
    ///   - path: The file's path.
    ///   - timeout: The deadline, from now.
    /// - Throws: See ``waitUntil(_:timeout:_:)``.
    package func waitForFile(at path: String, timeout: Duration = TestProcess.defaultTimeout) async throws {
        try await waitUntil("the file \(path)", timeout: timeout) { _ in FileManager.default.fileExists(atPath: path) }
    }

    /// Reads standard output line by line: the next complete line after the ones this method returned
    /// before, or `nil` once the output has ended (a last line without its newline is dropped).
    /// - Parameters:
    ///   - what: What the line means, for the failure message.
    ///   - timeout: The deadline, from now.
    /// - Returns: The line, or `nil` at the end of the output.
    /// - Throws: See ``waitUntil(_:timeout:_:)``.
    package func nextLine(_ what: String = "a line of output", timeout: Duration = TestProcess.defaultTimeout)
        async throws -> String?
    {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while true {
            let (line, ended) = output.state.withLock { state in (state.takeLine(), state.outputClosed) }
            if let line { return line }
            if ended { return nil }
            if clock.now >= deadline {
                kill()
                throw failure("timed out after \(timeout) waiting for \(what); its process group was killed")
            }
            do {
                try await clock.sleep(for: Self.pollInterval)
            } catch {
                kill()
                throw error
            }
        }
    }

    /// Waits for the output to end and returns the complete lines ``nextLine(_:timeout:)`` has not returned.
    /// - Parameter timeout: The deadline, from now.
    /// - Returns: The lines.
    /// - Throws: See ``waitUntil(_:timeout:_:)``.
    package func remainingLines(timeout: Duration = TestProcess.defaultTimeout) async throws -> [String] {
        var lines: [String] = []
        while let line = try await nextLine("the end of its output", timeout: timeout) { lines.append(line) }
        return lines
    }

    /// Waits for the process to exit and its output to end.
    /// - Parameter timeout: The deadline, from now.
    /// - Returns: How it ended and everything it wrote.
    /// - Throws: ``Failure`` when it does not end in time (its process group is then killed).
    package func waitForExit(timeout: Duration = TestProcess.defaultTimeout) async throws -> Result {
        try await waitUntil("it to exit", timeout: timeout) { $0.hasEnded }
        return output.state.withLock { state in
            Result(
                exit: state.exit ?? ProcessExit(), out: String(decoding: state.out, as: UTF8.self),
                err: String(decoding: state.err, as: UTF8.self))
        }
    }

    /// A failure about this process: the message, the command line, and the end of its output.
    /// - Parameter message: What went wrong.
    /// - Returns: The error to throw.
    package func failure(_ message: String) -> Failure {
        let (out, err, exit, abandoned) = output.state.withLock { state in
            (
                state.out.suffix(Failure.excerptBytes), state.err.suffix(Failure.excerptBytes), state.exit,
                state.abandonedOutput
            )
        }
        var text = "\(commandLine) (pid \(processIdentifier)): \(message)"
        if let exit { text += "\nit exited: \(Result.describe(exit))" }
        if let abandoned { text += "\n\(abandoned)" }
        text += "\n--- standard output (last \(Failure.excerptBytes) bytes) ---\n"
        text += String(decoding: out, as: UTF8.self)
        text += "\n--- standard error (last \(Failure.excerptBytes) bytes) ---\n"
        text += String(decoding: err, as: UTF8.self)
        return Failure(text)
    }
}
