import AgentCore
import AgentScheduling
import Foundation

/// What happens around the runs of a process that executes agents (`serve`, `run`, `backfill`, `demo`): the
/// terminal record goes into each run's `metadata.json` and `summary.txt` (``RunLogFinalizer``), and webhooks are
/// posted on failures, automatic pauses or every run (``WebhookNotifier``), with `notifiedAt` stored on the record.
///
/// Both listen to the events of the orchestrator or scheduler; ``finish(io:)`` lets their pending work end before
/// the process exits.
struct RunHooks: Sendable {
    /// How long pending webhook deliveries may take at exit before they are given up.
    static let drainLimit = Duration.seconds(15)

    let finalizer: RunLogFinalizer
    let notifier: WebhookNotifier?

    /// Creates the hooks for some agents and webhooks.
    init(store: any AgentStore, runnable: CommandContext.Runnable) throws(NotificationError) {
        let finalizer = RunLogFinalizer(store: store, agents: runnable.agents.map(\.base))
        self.finalizer = finalizer
        notifier =
            runnable.webhooks.isEmpty
            ? nil
            : try WebhookNotifier(webhooks: runnable.webhooks, store: store) { record in
                // notifiedAt changed the record: refresh metadata.json.
                _ = try? await finalizer.write(record)
            }
    }

    /// Starts listening to a broadcaster.
    func attach(to events: EventBroadcaster) {
        finalizer.attach(to: events)
        notifier?.attach(to: events)
    }

    /// Waits for pending log writes and webhook deliveries (at most ``drainLimit`` for the webhooks).
    func finish(io: CommandIO) async {
        await finalizer.drain()
        guard let notifier, notifier.pendingDeliveries > 0 else { return }
        let clock = SystemClock()
        let finished = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await notifier.drain()
                return true
            }
            group.addTask {
                try? await clock.sleep(until: clock.now.addingTimeInterval(Self.drainLimit.timeInterval))
                return false
            }
            let first = await group.next() ?? true
            if !first { notifier.cancelAll() }
            group.cancelAll()
            return first
        }
        if !finished {
            io.printError(
                "warning: webhook deliveries still pending after \(DurationText.format(Self.drainLimit)) were given up")
        }
        await finalizer.drain()
    }
}
