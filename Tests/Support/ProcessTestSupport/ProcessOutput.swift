import AgentScheduling
import Synchronization

/// What a ``TestProcess`` has seen so far: its output, whether the output has ended, and how it exited.
///
/// Written by the child's reader and reaper threads, read by the tests; every access goes through one
/// `Mutex`, and nothing here waits.
final class ProcessOutput: Sendable {
    /// The state behind the lock.
    struct State {
        /// Standard output so far.
        var out: [UInt8] = []
        /// Standard error so far.
        var err: [UInt8] = []
        /// Whether both output pipes are closed (at their end, or abandoned after the exit).
        var outputClosed = false
        /// Why reading stopped before both pipes reached their end, if it did.
        var abandonedOutput: String?
        /// How the child ended, once it has been reaped.
        var exit: ProcessExit?
        /// When the child was reaped.
        var exitedAt: ContinuousClock.Instant?
        /// Where the next unread line of standard output starts (see ``TestProcess/nextLine(_:timeout:)``).
        var readOffset = 0

        /// Whether nothing more can happen: the child was reaped and its output is closed.
        var hasEnded: Bool { exit != nil && outputClosed }

        /// Takes the next complete line of standard output after `readOffset`, if there is one.
        mutating func takeLine() -> String? {
            guard let newline = out[readOffset...].firstIndex(of: 0x0A) else { return nil }
            let line = String(decoding: out[readOffset..<newline], as: UTF8.self)
            readOffset = newline + 1
            return line
        }
    }

    /// The state.
    let state = Mutex(State())

    /// Appends bytes read from standard output (`isError == false`) or standard error.
    func append(_ bytes: ArraySlice<UInt8>, isError: Bool) {
        state.withLock { state in
            if isError { state.err.append(contentsOf: bytes) } else { state.out.append(contentsOf: bytes) }
        }
    }

    /// Records that the reader stopped; `reason` says why when it did not reach the end of both pipes.
    func closeOutput(abandoned reason: String?) {
        state.withLock { state in
            state.outputClosed = true
            state.abandonedOutput = reason
        }
    }

    /// Records how the child ended.
    func exited(_ exit: ProcessExit) {
        state.withLock { state in
            state.exit = exit
            state.exitedAt = .now
        }
    }

    /// When the child was reaped, if it has been.
    var exitedAt: ContinuousClock.Instant? { state.withLock { $0.exitedAt } }
}
