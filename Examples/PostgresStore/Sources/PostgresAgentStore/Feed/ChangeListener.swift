import AgentCore
import PostgresNIO
import Synchronization

/// Keeps one connection outside the pool LISTENing on the store's channel and raises the ``WakeSignal`` on every
/// notification, keeping the changes a notification carries in ``RecentChanges``. Notifications are handled on the
/// connection's event loop, where they are read: the waiter is resumed straight from there, with no task in between.
/// When the connection drops it raises the signal too (a notification may have been lost, so the waiters look at the
/// database), then reconnects with a growing delay. Waiters poll as well, so a lost notification delays a change by at
/// most the polling interval.
final class ChangeListener: Sendable {
    private let task = Mutex<Task<Void, Never>?>(nil)
    private let database: Database
    private let channel: String
    private let signal: WakeSignal
    private let recent: RecentChanges

    init(database: Database, channel: String, signal: WakeSignal, recent: RecentChanges) {
        self.database = database
        self.channel = channel
        self.signal = signal
        self.recent = recent
    }

    deinit { task.withLock { $0?.cancel() } }

    /// Starts listening, once.
    func start() {
        task.withLock { task in
            guard task == nil else { return }
            task = Task { [database, channel, signal, recent] in
                var delay = Duration.milliseconds(100)
                while !Task.isCancelled {
                    do {
                        let connection = try await database.connect()
                        delay = .milliseconds(100)
                        do {
                            try await Self.listen(on: connection, channel: channel, signal: signal, recent: recent)
                        } catch {}
                        try? await connection.close()
                    } catch {}
                    signal.wake()
                    try? await Task.sleep(for: delay)
                    delay = min(delay * 2, .seconds(5))
                }
            }
        }
    }

    /// Listens on `connection` until it closes or the task is cancelled.
    private static func listen(
        on connection: PostgresConnection, channel: String, signal: WakeSignal, recent: RecentChanges
    ) async throws {
        // Called on the connection's event loop for each notification, before anything else reads the socket again.
        let context = connection.addListener(channel: channel) { _, notification in
            guard let (announced, entries) = RecentChanges.parse(notification.payload) else {
                signal.wake()
                return
            }
            recent.keep(announced: announced, entries)
            signal.wake(announcing: announced)
        }
        defer { context.stop() }
        // The handler above asks the server to LISTEN before this statement runs (the connection runs its commands in
        // order); this one reports whether it could, which the handler does not. LISTEN twice is the same as once. The
        // channel is ``SchemaName/channel``: lower-case letters, digits and underscores, nothing to escape.
        try await connection.query(PostgresQuery(unsafeSQL: "LISTEN \"\(channel)\""), logger: connection.logger)
        // Anything written while this listener was down is found by the waiters' check.
        signal.wake()
        let closed = connection.closeFuture
        try await withTaskCancellationHandler {
            try await closed.get()
        } onCancel: {
            // The non-suspending close: this handler cannot wait, and closing ends the wait above.
            let _: EventLoopFuture<Void> = connection.close()
        }
    }

    /// Stops listening.
    func stop() { task.withLock { $0?.cancel() } }
}
