import AgentCore
import Foundation
import Synchronization

/// The whole runner as one value: scheduler, orchestrator, webhook notifier, run-log finalizer, presence and
/// cross-process control over one store. `agentctl serve`, `agent-server` and any Swift program start it the same
/// way:
///
/// ```swift
/// let runner = try AgentRunner(agents: [nightly, hourly], store: store)
/// try await runner.run()   // until the task is cancelled; then shuts down gracefully
/// ```
///
/// While it runs, the runner:
/// - schedules its agents (``AgentScheduler``) and executes runs (``Orchestrator``);
/// - follows the store's change feed, so a pause or resume written by another process
///   (``RunnerControl/pause(_:reason:)``) takes effect here within a second and is never undone by this runner's own
///   saves, and run-now and cancel requests (``RunnerControl/requestRun(_:)``,
///   ``RunnerControl/requestCancel(_:reason:)``) are carried out by exactly one runner;
/// - announces itself in the store every ``Options/heartbeatInterval`` (``RunnerControl/liveRunners()``);
/// - sweeps runs whose owner died (expired leases) to ``RunStatus/abandoned`` and announces every abandoned run —
///   found by this runner, by another, by the store at claim or on open — exactly once across all runners
///   (``RunEvent/Kind/runAbandoned`` and the failure webhooks);
/// - drives the candidates of its staged pipelines (``PipelineCoordinator/run()``), also those submitted by other
///   processes;
/// - posts webhooks (``WebhookNotifier``) and writes the final `metadata.json`/`summary.txt` of subprocess runs
///   (``RunLogFinalizer``);
/// - warns once per breach, across all runners, when a run goes on past its ``ServiceLevel/maxDuration``, when no run
///   succeeded by the day's ``ServiceLevel/mustSucceedBy``, and when a scheduled fire still has no record
///   ``Options/overdueGracePeriod`` after it was due (``RunEvent/Kind/slaBreached``, ``RunEvent/Kind/fireOverdue``).
///
/// Cancelling the task of ``run()`` stops it: no new run starts, running runs get the scheduler's shutdown grace
/// period, every run gets its terminal record, pending webhooks get ``Options/notificationDrainLimit``, and the
/// runner's presence is removed.
public final class AgentRunner: Sendable {
    /// Settings beyond the scheduler's.
    public struct Options: Sendable {
        /// The scheduler's settings (concurrency limit, misfire threshold, shutdown grace period, …).
        public var scheduler: SchedulerConfiguration
        /// The webhooks to notify.
        public var webhooks: [WebhookConfiguration]
        /// What kind of host this is, shown in presence listings (for example `agentctl serve`).
        public var role: String
        /// How often the runner writes its presence.
        public var heartbeatInterval: Duration
        /// How long a presence lasts without a heartbeat; another process considers the runner gone after it.
        public var presenceTimeToLive: Duration
        /// How often the runner looks for runs whose owner died.
        public var abandonmentSweepInterval: Duration
        /// How long pending webhook deliveries may take at shutdown before they are given up.
        public var notificationDrainLimit: Duration
        /// How far back the runner looks, when it starts, for abandoned runs nobody announced yet.
        public var abandonedLookback: Duration
        /// How long after its nominal time a scheduled fire without a run record is reported overdue
        /// (``RunEvent/Kind/fireOverdue``); `nil` (the default) uses the larger of the scheduler's misfire threshold
        /// and 5 minutes.
        public var overdueGracePeriod: Duration?
        /// The plans this runner starts and advances (they need a store that is a ``AgentCore/WorkflowStore``).
        public var plans: [PlanDefinition] = []
        /// How runs of each agent that end awaiting approval are decided (others: ``ApprovalPolicy/default``).
        public var approvalPolicies: [AgentName: ApprovalPolicy] = [:]
        /// The staged pipelines whose candidates this runner drives (they need a store that is a
        /// ``AgentCore/PipelineStore``).
        public var pipelines: [PipelineDefinition] = []

        /// The grace period in effect: ``overdueGracePeriod``, or the larger of the misfire threshold and 5 minutes.
        public var effectiveOverdueGracePeriod: Duration {
            overdueGracePeriod ?? max(scheduler.misfireThreshold, .seconds(300))
        }

        /// Creates options.
        /// - Parameters:
        ///   - scheduler: The scheduler's settings.
        ///   - webhooks: The webhooks to notify.
        ///   - role: What kind of host this is.
        ///   - heartbeatInterval: How often to write the presence (default 5 s).
        ///   - presenceTimeToLive: How long a presence lasts without a heartbeat (default 15 s).
        ///   - abandonmentSweepInterval: How often to look for dead owners' runs (default 10 s).
        ///   - notificationDrainLimit: How long webhooks may take at shutdown (default 15 s).
        ///   - abandonedLookback: How far back to look for unannounced abandoned runs at start (default 1 day).
        ///   - overdueGracePeriod: When a fire without a record is overdue (default: max(misfire threshold, 5 min)).
        public init(
            scheduler: SchedulerConfiguration = SchedulerConfiguration(), webhooks: [WebhookConfiguration] = [],
            role: String = "runner", heartbeatInterval: Duration = .seconds(5),
            presenceTimeToLive: Duration = .seconds(15), abandonmentSweepInterval: Duration = .seconds(10),
            notificationDrainLimit: Duration = .seconds(15), abandonedLookback: Duration = .seconds(86_400),
            overdueGracePeriod: Duration? = nil
        ) {
            self.scheduler = scheduler
            self.webhooks = webhooks
            self.role = role
            self.heartbeatInterval = heartbeatInterval
            self.presenceTimeToLive = presenceTimeToLive
            self.abandonmentSweepInterval = abandonmentSweepInterval
            self.notificationDrainLimit = notificationDrainLimit
            self.abandonedLookback = abandonedLookback
            self.overdueGracePeriod = overdueGracePeriod.map { max(.zero, $0) }
        }
    }

    /// The store the runner works on, and the only channel to other processes.
    public let store: any AgentStore
    /// The clock everything waits on.
    public let clock: any AgentClock
    /// Where every lifecycle event is published.
    public let events: EventBroadcaster
    /// The scheduler.
    public let scheduler: AgentScheduler
    /// The settings.
    public let options: Options
    /// The webhook notifier, when webhooks are configured.
    public let notifier: WebhookNotifier?
    /// The log finalizer of the subprocess agents.
    public let finalizer: RunLogFinalizer
    /// Control of this runner and of the others on its store.
    public let control: RunnerControl
    /// Watches service levels (`maxDuration`, `mustSucceedBy`) and overdue fires.
    let monitor: ServiceLevelMonitor
    /// Plans and approvals, when the store is a ``AgentCore/WorkflowStore``.
    public let plans: PlanCoordinator?
    /// The staged pipelines' coordinator, when pipelines are configured.
    public let pipelines: PipelineCoordinator?
    private let started = Atomic(false)

    /// The orchestrator that executes runs.
    public var orchestrator: Orchestrator { scheduler.orchestrator }
    /// This runner's identity: the owner of its leases and its presence id.
    public var id: String { scheduler.orchestrator.owner }

    /// Creates a runner.
    /// - Parameters:
    ///   - agents: The agents to schedule.
    ///   - store: The store, shared with the other runners and with `agentctl`.
    ///   - clock: The clock (a ``ManualClock`` in tests).
    ///   - events: Where events are published.
    ///   - options: Settings.
    /// - Throws: ``SchedulerError`` for duplicate agent names or invalid schedules; ``NotificationError`` for an
    ///   invalid webhook.
    public init(
        agents: [any AgentDefinition], store: any AgentStore, clock: any AgentClock = SystemClock(),
        events: EventBroadcaster = EventBroadcaster(), options: Options = Options()
    ) throws {
        var options = options
        // A dead runner's runs are found within the shortest lease of the agents, or the sweep interval.
        if let shortest = agents.map(\.policy.leaseDuration).min() {
            options.abandonmentSweepInterval = min(options.abandonmentSweepInterval, shortest)
        }
        var schedulerConfiguration = options.scheduler
        if schedulerConfiguration.owner == nil { schedulerConfiguration.owner = Orchestrator.defaultOwner() }
        self.store = store
        self.clock = clock
        self.events = events
        self.options = options
        self.scheduler = try AgentScheduler(
            agents: agents, store: store, clock: clock, events: events, configuration: schedulerConfiguration)
        let finalizer = RunLogFinalizer(
            store: store, agents: agents.compactMap { ($0 as? any SubprocessBackedAgent)?.subprocess }, clock: clock)
        self.finalizer = finalizer
        self.notifier =
            options.webhooks.isEmpty
            ? nil
            : try WebhookNotifier(webhooks: options.webhooks, store: store, clock: clock) { record in
                // notifiedAt changed the record: refresh metadata.json.
                _ = try? await finalizer.write(record)
            }
        self.control = RunnerControl(store: store, requester: schedulerConfiguration.owner, clock: clock)
        self.monitor = ServiceLevelMonitor(
            agents: agents, store: store, clock: clock, events: events, owner: scheduler.orchestrator.owner,
            overdueGracePeriod: options.effectiveOverdueGracePeriod)
        self.plans = try Self.planCoordinator(
            options: options, agents: agents, store: store, scheduler: scheduler, clock: clock, events: events)
        self.pipelines = try Self.pipelineCoordinator(
            options: options, agents: agents, store: store, scheduler: scheduler, clock: clock, events: events)
        finalizer.attach(to: events)
        notifier?.attach(to: events)
    }

    /// Runs until the calling task is cancelled, then shuts down gracefully (see the type's documentation).
    /// - Throws: ``SchedulerError`` with ``SchedulerError/Code/alreadyRunning`` when called twice.
    public func run() async throws {
        guard started.compareExchange(expected: false, desired: true, ordering: .sequentiallyConsistent).exchanged
        else {
            throw SchedulerError(.alreadyRunning, "run() was already called on this runner; create a new one")
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.scheduler.run() }
            group.addTask { await self.followChanges() }
            group.addTask { await self.keepPresence() }
            group.addTask { await self.sweepAbandonedRuns() }
            group.addTask { await self.monitor.run() }
            if let plans { group.addTask { await plans.run() } }
            if let pipelines { group.addTask { await pipelines.run() } }
            // The scheduler returns only after its graceful shutdown, which the caller's cancellation starts.
            do {
                while try await group.next() != nil {}
            } catch {
                group.cancelAll()
                throw error
            }
        }
        try? await store.removePresence(id: id)
        await drain()
    }

    /// Pauses an agent on every runner of the store (see ``RunnerControl/pause(_:reason:)``).
    /// - Parameters:
    ///   - agent: The agent.
    ///   - reason: Why.
    /// - Throws: ``StoreError`` when the store cannot be written.
    public func pause(_ agent: AgentName, reason: String? = nil) async throws {
        await scheduler.applyStoredState(try await control.pause(agent, reason: reason).state)
    }

    /// Resumes an agent on every runner of the store (see ``RunnerControl/resume(_:)``).
    /// - Parameter agent: The agent.
    /// - Throws: ``StoreError`` when the store cannot be written.
    public func resume(_ agent: AgentName) async throws {
        await scheduler.applyStoredState(try await control.resume(agent).state)
    }

    /// Cancels a run, wherever it executes: here at once, on another runner through a request.
    /// - Parameters:
    ///   - runID: The run.
    ///   - reason: Why.
    /// - Returns: Whether it was executing in this runner (otherwise a request was written for its owner).
    /// - Throws: ``StoreError`` when the request cannot be written.
    @discardableResult
    public func cancel(_ runID: RunID, reason: String? = nil) async throws -> Bool {
        if orchestrator.cancelRun(runID, reason: reason ?? "cancelled by \(id)") { return true }
        _ = try await control.requestCancel(runID, reason: reason)
        return false
    }

    /// Waits for pending log writes and webhook deliveries, giving webhooks at most
    /// ``Options/notificationDrainLimit``.
    private func drain() async {
        await finalizer.drain()
        guard let notifier, notifier.pendingDeliveries > 0 else { return }
        let limit = options.notificationDrainLimit
        let clock = self.clock
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await notifier.drain()
                return true
            }
            group.addTask {
                try? await clock.sleep(until: clock.now.addingTimeInterval(limit.timeInterval))
                return false
            }
            if await group.next() == false {
                notifier.cancelAll()
                events.emit(
                    RunEvent(
                        kind: .notificationFailed, timestamp: clock.now,
                        message: "webhook deliveries still pending at shutdown were given up after \(limit)"))
            }
            group.cancelAll()
        }
        await finalizer.drain()
    }
}
