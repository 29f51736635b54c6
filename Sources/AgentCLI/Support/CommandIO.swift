import Foundation
import Synchronization

/// Where a command writes: standard output and standard error, or buffers in tests.
public final class CommandIO: Sendable {
    private let writeOut: @Sendable (String) -> Void
    private let writeErr: @Sendable (String) -> Void
    /// Whether standard output is a terminal (commands pick human or machine output by it).
    let isTerminal: Bool

    init(isTerminal: Bool, out: @escaping @Sendable (String) -> Void, err: @escaping @Sendable (String) -> Void) {
        self.isTerminal = isTerminal
        self.writeOut = out
        self.writeErr = err
    }

    /// The process's real standard output and error.
    public static let standard = CommandIO(
        isTerminal: isatty(STDOUT_FILENO) == 1,
        out: { text in FileHandle.standardOutput.write(Data(text.utf8)) },
        err: { text in FileHandle.standardError.write(Data(text.utf8)) })

    /// Buffers for tests; read them with ``captured``.
    static func capturing() -> (io: CommandIO, captured: @Sendable () -> (out: String, err: String)) {
        let buffers = Mutex((out: "", err: ""))
        let io = CommandIO(
            isTerminal: false, out: { text in buffers.withLock { $0.out += text } },
            err: { text in buffers.withLock { $0.err += text } })
        return (io, { buffers.withLock { ($0.out, $0.err) } })
    }

    /// Writes a line to standard output.
    func print(_ line: String = "") { writeOut(line + "\n") }

    /// Writes text to standard output as it is (no newline added).
    func write(_ text: String) { writeOut(text) }

    /// Writes a line to standard error.
    func printError(_ line: String) { writeErr(line + "\n") }
}
