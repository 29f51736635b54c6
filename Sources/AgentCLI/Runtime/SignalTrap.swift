import Dispatch
import Foundation
import Synchronization

/// Turns SIGINT and SIGTERM into a callback, with Dispatch signal sources instead of a C signal handler (which may
/// only call async-signal-safe functions).
///
/// While the trap is installed the signals no longer terminate the process; ``cancel()`` restores the default
/// behaviour. Install and cancel it from one task (Dispatch sources are not `Sendable`).
final class SignalTrap {
    private let sources: [any DispatchSourceSignal]
    private let signals: [Int32]

    /// Installs the trap.
    /// - Parameters:
    ///   - signals: The signals to catch (default SIGINT and SIGTERM).
    ///   - handler: Called on a Dispatch queue with the signal's name (`SIGINT`), once per delivery.
    init(_ signals: [Int32] = [SIGINT, SIGTERM], handler: @escaping @Sendable (String) -> Void) {
        self.signals = signals
        let queue = DispatchQueue(label: "agentctl.signals")
        sources = signals.map { number in
            // Ignore the default action first, or the process would die before the source sees the signal.
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            let name = Self.name(of: number)
            source.setEventHandler { handler(name) }
            source.resume()
            return source
        }
    }

    /// Removes the trap and restores the default actions.
    func cancel() {
        for source in sources { source.cancel() }
        for number in signals { signal(number, SIG_DFL) }
    }

    /// `SIGINT`, `SIGTERM`, or `signal N`.
    static func name(of number: Int32) -> String {
        switch number {
        case SIGINT: "SIGINT"
        case SIGTERM: "SIGTERM"
        case SIGHUP: "SIGHUP"
        default: "signal \(number)"
        }
    }
}

extension SignalTrap {
    /// Runs `operation` in a child task that SIGINT or SIGTERM cancels; a second signal is reported and ignored
    /// (the operation is already stopping: the command's process group is being terminated).
    /// - Returns: The operation's result.
    /// - Throws: What the operation throws.
    static func cancellingOnSignal<T: Sendable>(
        io: CommandIO, command: String, _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let task = Task { try await operation() }
        let received = Mutex(0)
        let trap = SignalTrap { signal in
            let count = received.withLock { count in
                count += 1
                return count
            }
            if count == 1 {
                io.printError("agentctl \(command): \(signal) received; stopping the run…")
                task.cancel()
            } else {
                io.printError("agentctl \(command): \(signal) received again; still stopping the run")
            }
        }
        defer { trap.cancel() }
        return try await task.value
    }
}
