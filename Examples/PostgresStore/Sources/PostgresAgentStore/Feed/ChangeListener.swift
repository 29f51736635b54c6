import AgentCore
import PostgresNIO
import Synchronization

/// Keeps one connection outside the pool LISTENing on the store's channel and raises the ``WakeSignal`` on every
/// notification, keeping the changes a notification carries in ``RecentChanges``. When the connection drops it raises the signal too (a notification may have been lost, so the
/// waiters look at the database), then reconnects with a growing delay. Waiters poll as well, so a lost
/// notification delays a change by at most the polling interval.
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
                            try await connection.listen(on: channel) { notifications in
                                // Anything written while this listener was down is found by the waiters' check.
                                signal.wake()
                                for try await notification in notifications {
                                    guard let (announced, entries) = RecentChanges.parse(notification.payload) else {
                                        signal.wake()
                                        continue
                                    }
                                    recent.keep(announced: announced, entries)
                                    signal.wake(announcing: announced)
                                }
                            }
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

    /// Stops listening.
    func stop() { task.withLock { $0?.cancel() } }
}
