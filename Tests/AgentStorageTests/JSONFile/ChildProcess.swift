import Foundation

/// A child process running the built `agentctl`, with its standard output read line by line.
final class ChildProcess {
    let process = Process()
    private let output = Pipe()
    private let input = Pipe()
    private let errors = Pipe()
    private var buffer: [UInt8] = []
    private var reachedEnd = false

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
    static func requireTortureCommand() throws {
        let probe = try ChildProcess(["__store-torture", "--help"])
        let exit = probe.wait()
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
        try process.run()
    }

    /// The next line of standard output, or `nil` at its end. Blocks until a line arrives.
    func readLine() -> String? {
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeFirst(newline + 1)
                return line
            }
            if reachedEnd { return nil }
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let count = chunk.withUnsafeMutableBytes {
                read(output.fileHandleForReading.fileDescriptor, $0.baseAddress, $0.count)
            }
            if count <= 0 {
                reachedEnd = true
            } else {
                buffer.append(contentsOf: chunk[..<count])
            }
        }
    }

    /// Every remaining line of standard output.
    func remainingLines() -> [String] {
        var lines: [String] = []
        while let line = readLine() { lines.append(line) }
        return lines
    }

    /// Writes to the child's standard input.
    func send(_ text: String) {
        input.fileHandleForWriting.write(Data(text.utf8))
    }

    /// Kills the child with SIGKILL and waits for it.
    func kill() {
        _ = Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Waits for the child to exit; returns its status and standard error.
    func wait() -> (status: Int32, errors: String) {
        process.waitUntilExit()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return (process.terminationStatus, text)
    }
}

struct ChildProcessError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
