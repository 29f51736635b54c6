import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An `agent-runner-pg` child process whose output goes to files in a test directory (so nothing has to read pipes),
/// with bounded waits only.
final class RunnerProcess {
    let name: String
    let process: Process
    let output: URL

    /// Starts the program.
    /// - Parameters:
    ///   - name: A name for messages and the output file.
    ///   - arguments: The arguments after the program name.
    ///   - directory: Where the output file goes and the working directory.
    init(_ name: String, arguments: [String], in directory: URL) throws {
        self.name = name
        output = directory.appendingPathComponent("\(name).out")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        handle.seekToEndOfFile()
        process = Process()
        process.executableURL = try Self.binary()
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    /// Where the built `agent-runner-pg` is: `AGENT_RUNNER_PG_BINARY`, else beside the test bundle.
    static func binary() throws -> URL {
        if let path = ProcessInfo.processInfo.environment["AGENT_RUNNER_PG_BINARY"] {
            return URL(fileURLWithPath: path)
        }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("agent-runner-pg")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        throw RunnerProcessError(
            message: "agent-runner-pg was not found beside \(CommandLine.arguments[0]); build it "
                + "(swift build --product agent-runner-pg) or set AGENT_RUNNER_PG_BINARY")
    }

    /// Sends a signal.
    func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// Waits (at most `seconds`) for the process to end.
    /// - Returns: Its exit status, or `nil` when it is still running at the deadline.
    func waitForExit(seconds: Double) async -> Int32? {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while process.isRunning {
            guard ContinuousClock.now < deadline else { return nil }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return process.terminationStatus
    }

    /// Kills it with SIGKILL and reaps it.
    func kill9() async {
        signal(SIGKILL)
        _ = await waitForExit(seconds: 10)
    }

    /// What it printed.
    var printed: String { (try? String(contentsOf: output, encoding: .utf8)) ?? "" }
}

/// A child process could not be started.
struct RunnerProcessError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
