import AgentScheduling
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An `agent-runner-pg` child process (the project's ``ChildProcess``: its own process group, reaped on a thread of
/// its own) whose output goes to a file in a test directory, so nothing has to read pipes; every wait is bounded.
final class RunnerProcess {
    let name: String
    let process: ChildProcess
    let output: URL

    /// Starts the program.
    /// - Parameters:
    ///   - name: A name for messages and the output file.
    ///   - arguments: The arguments after the program name.
    ///   - directory: Where the output file goes and the working directory.
    init(_ name: String, arguments: [String], in directory: URL) throws {
        self.name = name
        output = directory.appendingPathComponent("\(name).out")
        process = try ChildProcess(
            executable: try Self.binary(), arguments: arguments, workingDirectory: directory, output: output)
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

    /// Sends a signal to its process group.
    func signal(_ number: Int32) { process.signal(number) }

    /// Whether it has not ended yet.
    var isRunning: Bool { process.exit == nil }

    /// Waits (at most `seconds`) for the process to end.
    /// - Returns: Its exit status (128 + the signal when one killed it), or `nil` when it still runs at the deadline.
    func waitForExit(seconds: Double) async -> Int32? {
        guard let exit = await process.waitForExit(timeout: .milliseconds(Int(seconds * 1000))) else { return nil }
        return exit.exitStatus ?? 128 + (exit.signal ?? 0)
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
