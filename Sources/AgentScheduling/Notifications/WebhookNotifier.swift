import AgentCore
import Foundation
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Posts webhook notifications about runs and pauses, without ever failing or delaying a run.
///
/// Attach it to the ``AgentCore/EventBroadcaster`` of your orchestrator or scheduler; it reacts to:
/// - a run that ended `failed`, `timedOut` or `abandoned` (``WebhookTrigger/failure``) with no retry to
///   follow: the terminal event says so (``AgentCore/RunFailureDetails/isFinal``; a scheduler decides on the
///   retry before it publishes the event, an orchestrator used alone never retries), and a final failure is
///   posted at once. So a flaky agent that succeeds on its second attempt is not reported, and one that keeps
///   failing is reported once, for its last attempt. Only an event without that payload (built by hand) makes
///   the notifier wait ``retryDecisionDelay`` for a ``AgentCore/RunEvent/Kind/runRetryScheduled`` of the run.
/// - ``AgentCore/RunEvent/Kind/agentPaused`` with `automatic = true` (``WebhookTrigger/autoPause``), and
///   ``AgentCore/RunEvent/Kind/candidatePaused`` (a pipeline candidate paused by its coordinator, published once
///   across runners by the one that wrote the pause; also ``WebhookTrigger/autoPause``, scoped by the stage's agent).
/// - ``AgentCore/RunEvent/Kind/slaBreached`` (``WebhookTrigger/slaBreach``) and ``AgentCore/RunEvent/Kind/fireOverdue``
///   (``WebhookTrigger/fireOverdue``), which a runner's service-level monitor publishes once per breach.
/// - every run that ends (``WebhookTrigger/everyRun``), attempts that will be retried included.
///
/// Each delivery is a fire-and-forget task: the event sink only starts it. A delivery is retried on
/// network errors, 5xx, 408 and 429 with exponential backoff on the injected clock (honouring a numeric
/// `Retry-After`), and given up after ``WebhookConfiguration/maximumAttempts``. The time of the first
/// successful delivery about a run is stored as the record's ``AgentCore/RunRecord/notifiedAt`` (an update of
/// the terminal record with the same status). Outcomes are published on the attached broadcaster as
/// ``AgentCore/RunEvent/Kind/notificationSent`` and ``AgentCore/RunEvent/Kind/notificationFailed``, naming
/// only the webhook's host. Call ``drain()`` before exiting to let pending deliveries finish (bound it with
/// your own timeout and then ``cancelAll()``).
///
/// The generic JSON payload (``WebhookFormat/json``) has the keys `version` (1), `notification`
/// (`failure`, `autoPause`, `candidatePause`, `run`, `slaBreach`, `fireOverdue`), `event`, `agent`, `title`, `text`, `timestamp`; for runs also `runID`,
/// `status`, `attempt`, `retryScheduled`, `trigger`, `idempotencyKey`, `queuedAt`, `startedAt`, `endedAt`,
/// `durationMs`, `errorClass`, `errorMessage`, `summary`, `outputsURI` and `logExcerpt` (last 10 lines);
/// for pauses `reason` (and `consecutiveFailures` for agents); for SLA breaches `message`, `runID` (for `maxDuration`), `rule`,
/// `deadline` and `day`; for overdue fires `message`, `fire` and `overdueSince`.
///
/// ```swift
/// let notifier = try WebhookNotifier(
///     webhooks: [WebhookConfiguration(url: slackURL, format: .slack)], store: store)
/// notifier.attach(to: scheduler.events)
/// try await scheduler.run()
/// await notifier.drain()
/// ```
public final class WebhookNotifier: Sendable {
    private struct State {
        var events: EventBroadcaster?
        var retried = RecentSet<RunID>(capacity: 10_000)
        var notified = RecentSet<RunID>(capacity: 10_000)
    }

    /// The webhooks.
    public let webhooks: [WebhookConfiguration]
    /// Where records are read and `notifiedAt` is stored.
    public let store: any RunStore
    /// The clock for retry backoff and the retry-decision delay.
    public let clock: any AgentClock
    /// How long to wait for a retry decision after a failure event that does not say whether it is final
    /// (events of this package always say; see ``AgentCore/RunFailureDetails/isFinal``).
    public let retryDecisionDelay: Duration
    let session: URLSession
    let didUpdateRecord: (@Sendable (RunRecord) async -> Void)?
    let pending = PendingTasks()
    private let state = Mutex(State())

    /// Creates a notifier and checks the webhooks.
    /// - Parameters:
    ///   - webhooks: The webhooks to post to.
    ///   - store: Where run records are read and `notifiedAt` is stored.
    ///   - clock: The clock for backoff (a `ManualClock` in tests).
    ///   - retryDecisionDelay: How long to wait for a retry decision after a failure event that does not say
    ///     whether it is final (default 1 s).
    ///   - session: The URL session (`nil`: a new ephemeral one: no cookies, no cache).
    ///   - didUpdateRecord: Called after `notifiedAt` was stored, with the updated record (for example to
    ///     refresh `metadata.json` with ``RunLogFinalizer/write(_:)``).
    /// - Throws: ``NotificationError`` for an invalid webhook.
    public init(
        webhooks: [WebhookConfiguration], store: any RunStore, clock: any AgentClock = SystemClock(),
        retryDecisionDelay: Duration = .seconds(1), session: URLSession? = nil,
        didUpdateRecord: (@Sendable (RunRecord) async -> Void)? = nil
    ) throws(NotificationError) {
        for webhook in webhooks { try webhook.validate() }
        self.webhooks = webhooks
        self.store = store
        self.clock = clock
        self.retryDecisionDelay = max(.zero, retryDecisionDelay)
        self.session = session ?? URLSession(configuration: .ephemeral)
        self.didUpdateRecord = didUpdateRecord
    }

    /// Starts reacting to a broadcaster's events (and publishing delivery outcomes on it). Call once: the
    /// subscription is a sink that lives as long as the broadcaster. The sink holds the notifier weakly:
    /// keep a reference to the notifier for as long as it should deliver.
    /// - Parameter events: The orchestrator's or scheduler's broadcaster.
    public func attach(to events: EventBroadcaster) {
        state.withLock { $0.events = events }
        events.addSink { [weak self] event in self?.handle(event) }
    }

    /// Reacts to one event: starts the deliveries it calls for and returns at once. ``attach(to:)`` calls
    /// this for every event; call it yourself to feed events from elsewhere.
    /// - Parameter event: The event.
    public func handle(_ event: RunEvent) {
        switch event.kind {
        case .runRetryScheduled:
            if let runID = event.runID { state.withLock { _ = $0.retried.insert(runID) } }
        case .runSucceeded, .runFailed, .runTimedOut, .runCancelled, .runAbandoned:
            guard let agent = event.agentName, let runID = event.runID else { return }
            let isFailure = [.runFailed, .runTimedOut, .runAbandoned].contains(event.kind)
            let targets = webhooks.filter { webhook in
                webhook.applies(to: agent)
                    && (webhook.triggers.contains(.everyRun) || (isFailure && webhook.triggers.contains(.failure)))
            }
            guard !targets.isEmpty else { return }
            pending.spawn { [self] in
                await deliverRun(event, runID: runID, isFailure: isFailure, targets: targets)
            }
        case .agentPaused where event.pause?.automatic == true:
            post(event, as: .autoPause, for: .autoPause)
        case .candidatePaused:
            post(event, as: .candidatePause, for: .autoPause)
        case .slaBreached:
            post(event, as: .slaBreach, for: .slaBreach)
        case .fireOverdue:
            post(event, as: .fireOverdue, for: .fireOverdue)
        case .approvalRequested:
            postApproval(event)
        default:
            return
        }
    }

    /// Posts a notification that is not about an ended run to the webhooks with the trigger.
    private func post(_ event: RunEvent, as kind: WebhookNotification.Kind, for trigger: WebhookTrigger) {
        guard let agent = event.agentName else { return }
        let targets = webhooks.filter { $0.applies(to: agent) && $0.triggers.contains(trigger) }
        guard !targets.isEmpty else { return }
        let notification = WebhookNotification(kind: kind, event: event, record: nil, retryScheduled: false)
        pending.spawn { [self] in
            await withDiscardingTaskGroup { group in
                for webhook in targets {
                    group.addTask { _ = await self.post(notification, to: webhook) }
                }
            }
        }
    }

    /// Waits until every delivery started so far has succeeded or given up.
    public func drain() async {
        await pending.drain()
    }

    /// Cancels pending deliveries (for a bounded shutdown); they stop retrying at once.
    public func cancelAll() {
        pending.cancelAll()
    }

    /// The number of deliveries not yet finished.
    public var pendingDeliveries: Int { pending.count }

    var reportingBroadcaster: EventBroadcaster? { state.withLock { $0.events } }

    func wasRetried(_ runID: RunID) -> Bool { state.withLock { $0.retried.contains(runID) } }

    /// Records that a run was notified; returns `false` if it already was.
    func claimNotified(_ runID: RunID) -> Bool { state.withLock { $0.notified.insert(runID) } }
}
