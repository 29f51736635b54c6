import Dispatch
import Foundation

/// Turns POSIX signals into calls on a private Dispatch queue, so a handler may do anything a normal function
/// can (a C signal handler may not).
///
/// Not `Sendable`: the host creates it, registers handlers and cancels them from one task.
final class SignalHandlers {
    private let queue = DispatchQueue(label: "EmbeddedHost.signals")
    private var sources: [any DispatchSourceSignal] = []

    /// Calls `handler` on every delivery of `signal` (the default action, such as terminating, is disabled).
    func on(_ signal: Int32, _ handler: @escaping @Sendable () -> Void) {
        // Ignore the default disposition first, or the process would die before Dispatch sees the signal.
        _ = Foundation.signal(signal, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: signal, queue: queue)
        source.setEventHandler(handler: handler)
        source.resume()
        sources.append(source)
    }

    /// Stops listening for every signal.
    func cancelAll() {
        for source in sources { source.cancel() }
        sources.removeAll()
    }
}
