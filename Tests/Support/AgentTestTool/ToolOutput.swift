import AgentScheduling
import Synchronization

/// Writes lines to standard output with one `write` each, unbuffered, so the parent test sees every line
/// as soon as it is printed and a line is never split between two writers.
final class ToolOutput: Sendable {
    private let lock = Mutex(())

    /// Writes a line to standard output.
    func print(_ line: String) { write(line + "\n", to: 1) }

    /// Writes a line to standard error.
    func printError(_ line: String) { write(line + "\n", to: 2) }

    private func write(_ text: String, to descriptor: Int32) {
        let bytes = Array(text.utf8)
        lock.withLock { _ in _ = bytes.withUnsafeBytes { ProcessLauncher.writeAll(descriptor, $0) } }
    }
}
