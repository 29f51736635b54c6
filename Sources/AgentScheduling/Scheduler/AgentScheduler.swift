import AgentCore
import Foundation

/// Runs agents on their schedules: every fire once, on time, within the concurrency limit, with retries,
/// priorities, overlap and misfire policies, auto-pause, backfills and a graceful shutdown.
///
/// ```swift
/// let scheduler = try AgentScheduler(agents: [nightly, hourly], store: store)
/// try await scheduler.run()      // until the task is cancelled; then shuts down gracefully
/// ```
///
/// How it works, in three layers (decide, tick, drive):
/// - **Decide**: a pure function (`FirePlan`) says which of an agent's due fires run and which were missed.
/// - **Tick**: `runDue(now:)` collects the fires and retries that are due, puts them in the priority queue
///   (critical > high > normal > low, then earliest due) and starts runs while the global concurrency limit
///   and each agent's ``OverlapPolicy`` allow.
/// - **Drive**: ``run()`` sleeps on the injected clock until the earliest timer, and is woken early when
///   schedules change. It never polls: with nothing due it does no work at all.
///
/// Each run goes through the ``Orchestrator`` (atomic claim, lease, timeout, one terminal record). A scheduled
/// fire is claimed with an idempotency key that includes its nominal fire time, and every terminal status
/// settles it, so several schedulers sharing one store run each fire at most once; see `Docs/Scheduling.md`.
///
/// Every change of ``SchedulerState`` and every policy decision is an event on ``events``.
public actor AgentScheduler {
    /// Where runs and schedule state are kept.
    public nonisolated let store: any AgentStore
    /// The clock everything waits on (a ``ManualClock`` in tests).
    public nonisolated let clock: any AgentClock
    /// Where lifecycle and scheduling events are published.
    public nonisolated let events: EventBroadcaster
    /// The orchestrator that executes each run.
    public nonisolated let orchestrator: Orchestrator
    /// The scheduler's settings.
    public nonisolated let configuration: SchedulerConfiguration

    enum Lifecycle: Sendable {
        case notStarted, running, stopping, stopped
    }

    /// Wakes the drive loop early (schedule changes, new timers, cancellation).
    nonisolated let wake = WakeSignal()
    /// Signalled when the last active run ends (graceful shutdown waits on it).
    nonisolated let drained = WakeSignal()

    var random: RandomSource
    var registry: [AgentName: SchedulerAgent] = [:]
    var timers = Heap<SchedulerTimer>()
    var queue = Heap<PendingRun>()
    /// Runs waiting for their agent's active run to end (overlap `queue` and `replace`, backfill, manual).
    var waiting: [AgentName: [PendingRun]] = [:]
    var active: [UInt64: ActiveRun] = [:]
    /// The tasks executing active runs, by worker id.
    var workers: [UInt64: Task<Void, Never>] = [:]
    /// Where workers run: `nil` for the global executor; a simulation's own thread while it simulates.
    var workerExecutor: (any TaskExecutor)?
    var activeByAgent: [AgentName: Set<UInt64>] = [:]
    var retries: [UInt64: PendingRun] = [:]
    var skips: [SkipWrite] = []
    var dirty: Set<AgentName> = []
    var removedStates: Set<AgentName> = []
    var tickets: [UInt64: Ticket] = [:]
    var backfills: [UInt64: BackfillJob] = [:]
    var sequence: UInt64 = 0
    var lifecycle = Lifecycle.notStarted
    var isPaused = false
    var storeFailure: StoreFailure?
    var publishedState = SchedulerState.idle
    /// How many ticks ran (each wake-up of ``run()`` is one), for benchmarks that check idle behaviour.
    var tickCount = 0
    var isFlushing = false
    var flushRequested = false
    /// While the drive loop sleeps: `.some(deadline)`, where a `nil` deadline means until woken.
    var parkedDeadline: Date??
    var quietWaiters: [CheckedContinuation<Void, Never>] = []
    var parkedWaiters: [CheckedContinuation<Date?, Never>] = []

    /// Creates a scheduler.
    /// - Parameters:
    ///   - agents: The agents to schedule (more can be added at run time with ``add(_:)``).
    ///   - store: Where runs and schedule state are kept; share it between processes for exactly-once fires.
    ///   - clock: The clock (default: the system clock).
    ///   - events: Where events go.
    ///   - configuration: Global settings: concurrency limit, misfire threshold, shutdown grace, randomness.
    /// - Throws: ``SchedulerError`` when two agents share a name or a schedule is invalid.
    public init(
        agents: [any AgentDefinition] = [], store: any AgentStore, clock: any AgentClock = SystemClock(),
        events: EventBroadcaster = EventBroadcaster(), configuration: SchedulerConfiguration = SchedulerConfiguration()
    ) throws(SchedulerError) {
        self.store = store
        self.clock = clock
        self.events = events
        self.configuration = configuration
        self.random = RandomSource(configuration.random)
        self.orchestrator = Orchestrator(
            store: store, clock: clock, events: events, owner: configuration.owner, runIDs: configuration.runIDs)
        for agent in agents {
            guard self.registry[agent.name] == nil else {
                throw SchedulerError(.duplicateAgent, "two agents are named \"\(agent.name)\"; names must be unique")
            }
            self.registry[agent.name] = try Self.entry(for: agent, at: clock.now)
        }
    }

    /// Schedules agents until the calling task is cancelled, then shuts down gracefully: no new run starts,
    /// running runs get ``SchedulerConfiguration/shutdownGracePeriod`` to finish and are then cancelled, and
    /// every run ends with a terminal record.
    ///
    /// While the store cannot be reached the scheduler is in state ``SchedulerState/error`` and retries with
    /// backoff; it recovers by itself.
    /// - Throws: ``SchedulerError`` with ``SchedulerError/Code/alreadyRunning`` when called twice.
    public func run() async throws {
        guard lifecycle == .notStarted else {
            throw SchedulerError(.alreadyRunning, "run() was already called on this scheduler; create a new one")
        }
        lifecycle = .running
        publishState()
        let wake = self.wake
        await withTaskCancellationHandler {
            await drive()
        } onCancel: {
            wake.signal()
        }
        // The caller's task is cancelled; the shutdown waits on the clock, so it runs in a task that is not.
        await Task { await self.shutdown() }.value
    }

    /// The drive loop: tick, then sleep until the earliest timer or an early wake-up.
    private func drive() async {
        while !Task.isCancelled {
            await runDue(now: clock.now)
            guard !Task.isCancelled else { break }
            let deadline = nextWakeDate
            parkedDeadline = .some(deadline)
            checkWaiters()
            await sleep(until: deadline)
            parkedDeadline = nil
        }
    }

    /// When the drive loop must wake next: the earliest timer, or a store-recovery attempt; `nil` for never.
    var nextWakeDate: Date? {
        let timer = canStartRuns ? timers.min?.deadline : nil
        guard let recovery = storeFailure?.retryAt else { return timer }
        return timer.map { min($0, recovery) } ?? recovery
    }

    /// Sleeps on the clock until `deadline` (forever when `nil`), returning early on ``wake``.
    private func sleep(until deadline: Date?) async {
        guard let deadline else {
            await wake.wait()
            return
        }
        let clock = self.clock
        let wake = self.wake
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await clock.sleep(until: deadline) }
            group.addTask { await wake.wait() }
            _ = await group.next()
            group.cancelAll()
        }
    }

    /// Whether runs may start now.
    var canStartRuns: Bool {
        (lifecycle == .notStarted || lifecycle == .running) && !isPaused && storeFailure == nil
    }

    /// The state derived from what the scheduler is doing.
    var currentState: SchedulerState {
        switch lifecycle {
        case .stopping: return .stopping
        case .stopped: return .stopped
        case .notStarted, .running: break
        }
        if storeFailure != nil { return .error }
        if isPaused { return .paused }
        let busy = !timers.isEmpty || !active.isEmpty || !queue.isEmpty || !waiting.isEmpty || !skips.isEmpty
        return busy ? .running : .idle
    }

    /// Emits ``RunEvent/Kind/schedulerStateChanged`` when the state changed.
    func publishState() {
        let state = currentState
        guard state != publishedState else { return }
        let change = SchedulerStateChange(
            from: publishedState.description, to: state.description,
            error: state == .error ? storeFailure?.message : nil)
        publishedState = state
        events.emit(
            RunEvent(
                kind: .schedulerStateChanged, timestamp: clock.now, message: "scheduler is \(state)",
                details: .schedulerState(change)))
    }

    /// A fresh sequence number.
    func nextSequence() -> UInt64 {
        sequence += 1
        return sequence
    }

    /// Adds a timer and wakes the drive loop if it sleeps past it.
    func insertTimer(_ kind: SchedulerTimer.Kind, at deadline: Date) {
        timers.insert(SchedulerTimer(deadline: deadline, sequence: nextSequence(), kind: kind))
        if case .some(let parked) = parkedDeadline, parked.map({ deadline < $0 }) ?? true { wakeDriveLoop() }
    }

    /// Wakes the drive loop; until it has ticked and parked again, it counts as not parked.
    func wakeDriveLoop() {
        parkedDeadline = nil
        wake.signal()
    }

    /// Removes an agent's fire timer.
    func removeFireTimer(of name: AgentName) {
        timers.removeAll { $0.kind == .fire(name) }
    }

    /// Builds the entry of a newly registered agent.
    static func entry(for agent: any AgentDefinition, at now: Date) throws(SchedulerError) -> SchedulerAgent {
        SchedulerAgent(definition: agent, schedule: try resolve(agent.schedule, of: agent.name), registeredAt: now)
    }

    /// Resolves a schedule configuration, turning a resolution error into ``SchedulerError/Code/invalidSchedule``.
    static func resolve(_ configuration: ScheduleConfiguration, of name: AgentName?) throws(SchedulerError) -> Schedule
    {
        do {
            return try Schedule(configuration)
        } catch {
            throw SchedulerError(.invalidSchedule, (name.map { "agent \($0): " } ?? "") + error.message)
        }
    }
}
