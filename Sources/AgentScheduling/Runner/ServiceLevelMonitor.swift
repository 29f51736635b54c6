import AgentCore
import Foundation
import Synchronization

/// Watches a runner's agents for service-level breaches and overdue fires, on the injected clock, and announces
/// each exactly once across every runner of the store.
///
/// It arms one clock timer per pending deadline — no polling:
/// - `mustSucceedBy`: at each day's deadline (the agent's cron time zone, UTC otherwise) it looks for a run that
///   succeeded since the start of that local day; if there is none, ``RunEvent/Kind/slaBreached``.
/// - `maxDuration`: when one of its agents' runs starts (``RunEvent/Kind/runStarted``), at start + `maxDuration`; if
///   the run is still running then, ``RunEvent/Kind/slaBreached`` with the run's id.
/// - overdue fires: at each scheduled fire + ``overdueGracePeriod``; if no record of the fire exists (its
///   idempotency key has no run), ``RunEvent/Kind/fireOverdue``.
///
/// Paused and disabled agents are not checked. Before announcing, the monitor takes a lease named after the breach
/// (`sla/<agent>/mustSucceedBy/<day>`, `sla/<agent>/maxDuration/<run id>`, `overdue/<agent>/<fire>`) for
/// ``markerLifetime``: only the runner that gets it announces, so N runners on one store notify once.
final class ServiceLevelMonitor: Sendable {
    /// A deadline to check.
    enum Check: Sendable, Hashable {
        /// The day's `mustSucceedBy` instant of an agent.
        case mustSucceedBy(AgentName, deadline: Date)
        /// A run's `maxDuration` limit.
        case maxDuration(AgentName, RunID, attempt: Int?, deadline: Date)
        /// A scheduled fire, checked at `overdueAt`.
        case fire(AgentName, fire: Date, overdueAt: Date)

        var deadline: Date {
            switch self {
            case .mustSucceedBy(_, let deadline), .maxDuration(_, _, _, let deadline): deadline
            case .fire(_, _, let overdueAt): overdueAt
            }
        }
    }

    /// What the monitor knows of one agent.
    struct Watched: Sendable {
        let definition: any AgentDefinition
        let schedule: Schedule?
        let calendar: Calendar
        var serviceLevel: ServiceLevel { definition.policy.serviceLevel }
    }

    private struct State {
        var timers: [Check: ClockTimer] = [:]
        var stopped = false
    }

    /// How long after its nominal time a fire without a record is overdue.
    let overdueGracePeriod: Duration
    /// How long a breach's marker lease lives (two days: longer than any deadline is re-checked).
    let markerLifetime: Duration = .seconds(2 * 86_400)
    private let agents: [AgentName: Watched]
    private let store: any AgentStore
    private let clock: any AgentClock
    private let events: EventBroadcaster
    private let owner: String
    private let checks: AsyncStream<Check>
    private let continuation: AsyncStream<Check>.Continuation
    private let state = Mutex(State())
    private let evaluations = Atomic<Int>(0)

    /// Creates a monitor and starts watching run starts on `events`.
    init(
        agents: [any AgentDefinition], store: any AgentStore, clock: any AgentClock, events: EventBroadcaster,
        owner: String, overdueGracePeriod: Duration
    ) {
        var watched: [AgentName: Watched] = [:]
        for agent in agents {
            watched[agent.name] = Watched(
                definition: agent, schedule: try? Schedule(agent.schedule),
                calendar: ServiceLevelRules.calendar(for: agent.schedule))
        }
        self.agents = watched
        self.store = store
        self.clock = clock
        self.events = events
        self.owner = owner
        self.overdueGracePeriod = overdueGracePeriod
        (checks, continuation) = AsyncStream.makeStream(of: Check.self)
        events.addSink { [weak self] event in
            guard event.kind == .runStarted, let self, let name = event.agentName, let runID = event.runID,
                let limit = self.agents[name]?.serviceLevel.maxDuration
            else { return }
            self.arm(
                .maxDuration(
                    name, runID, attempt: event.attempt,
                    deadline: event.timestamp.addingTimeInterval(limit.timeInterval)
                ))
        }
    }

    /// Arms the first deadlines and checks each as its timer fires, until the task is cancelled.
    func run() async {
        let now = clock.now
        // Fires before an agent's stored next fire were handled; an agent the store has no state for is new here
        // (a new store, a new agent), so none of its fires before now can be overdue.
        let stored = Dictionary(
            ((try? await store.allScheduleStates()) ?? []).map { ($0.agentName, $0) }, uniquingKeysWith: { $1 })
        for (name, agent) in agents where agent.definition.isEnabled {
            if let deadline = nextMustSucceedBy(of: agent, after: now) { arm(.mustSucceedBy(name, deadline: deadline)) }
            var since = now.addingTimeInterval(-overdueGracePeriod.timeInterval)
            if let state = stored[name] {
                if let next = state.nextFireAt { since = max(since, next) }
            } else {
                since = now
            }
            if let fire = agent.schedule?.next(after: since.addingTimeInterval(-0.001)) { armFire(of: name, at: fire) }
        }
        await withTaskCancellationHandler {
            for await check in checks {
                await evaluate(check)
            }
        } onCancel: {
            stop()
        }
        stop()
    }

    /// The number of armed deadlines (for tests).
    var armedCount: Int { state.withLock { $0.timers.count } }

    /// The number of deadlines checked so far (for tests).
    var evaluatedCount: Int { evaluations.load(ordering: .acquiring) }

    private func stop() {
        let timers = state.withLock { state in
            state.stopped = true
            defer { state.timers.removeAll() }
            return state.timers.values
        }
        for timer in timers { timer.cancel() }
        continuation.finish()
    }

    private func arm(_ check: Check) {
        let continuation = self.continuation
        state.withLock { state in
            guard !state.stopped, state.timers[check] == nil else { return }
            state.timers[check] = clock.startTimer(at: check.deadline) { continuation.yield(check) }
        }
    }

    private func armFire(of name: AgentName, at fire: Date) {
        arm(.fire(name, fire: fire, overdueAt: fire.addingTimeInterval(overdueGracePeriod.timeInterval)))
    }

    /// The first `mustSucceedBy` instant strictly after `date`, in the agent's time zone.
    private func nextMustSucceedBy(of agent: Watched, after date: Date) -> Date? {
        guard let time = agent.serviceLevel.mustSucceedBy else { return nil }
        return agent.calendar.nextDate(
            after: date, matching: DateComponents(hour: time.hour, minute: time.minute, second: 0),
            matchingPolicy: .nextTime)
    }

    private func evaluate(_ check: Check) async {
        _ = state.withLock { $0.timers.removeValue(forKey: check) }
        switch check {
        case .mustSucceedBy(let name, let deadline):
            guard let agent = agents[name] else { return }
            if let next = nextMustSucceedBy(of: agent, after: deadline) { arm(.mustSucceedBy(name, deadline: next)) }
            await checkMustSucceedBy(agent, deadline: deadline)
        case .maxDuration(let name, let runID, let attempt, let deadline):
            await checkMaxDuration(name, runID: runID, attempt: attempt, deadline: deadline)
        case .fire(let name, let fire, let overdueAt):
            if let next = agents[name]?.schedule?.next(after: fire) { armFire(of: name, at: next) }
            await checkFire(name, fire: fire, overdueAt: overdueAt)
        }
        evaluations.add(1, ordering: .releasing)
    }

    /// Whether the agent is watched now: enabled and not paused.
    private func isActive(_ name: AgentName) async -> Bool {
        guard agents[name]?.definition.isEnabled == true else { return false }
        return (try? await store.scheduleState(for: name))?.isPaused != true
    }

    private func checkMustSucceedBy(_ agent: Watched, deadline: Date) async {
        let name = agent.definition.name
        guard await isActive(name), let time = agent.serviceLevel.mustSucceedBy else { return }
        let met = try? await ServiceLevelRules.metDeadline(
            of: name, deadline: deadline, in: agent.calendar, store: store)
        guard met == false else { return }
        let day = ServiceLevelRules.dayText(deadline, in: agent.calendar)
        guard await claimMarker("sla/\(name)/mustSucceedBy/\(day)") else { return }
        events.emit(
            RunEvent(
                kind: .slaBreached, timestamp: clock.now, agentName: name,
                message:
                    "no run of \(name) had succeeded by \(time) (\(agent.calendar.timeZone.identifier)) on \(day)",
                details: .serviceLevelBreach(ServiceLevelBreach(rule: .mustSucceedBy, deadline: deadline, day: day))))
    }

    private func checkMaxDuration(_ name: AgentName, runID: RunID, attempt: Int?, deadline: Date) async {
        guard let limit = agents[name]?.serviceLevel.maxDuration,
            let record = try? await store.run(id: runID), record.status == .running,
            await claimMarker("sla/\(name)/maxDuration/\(runID)")
        else { return }
        events.emit(
            RunEvent(
                kind: .slaBreached, timestamp: clock.now, agentName: name, runID: runID, attempt: attempt,
                status: record.status,
                message:
                    "run \(runID) of \(name) is still running after its maximum duration \(DurationText.format(limit))",
                details: .serviceLevelBreach(ServiceLevelBreach(rule: .maxDuration, deadline: deadline))))
    }

    private func checkFire(_ name: AgentName, fire: Date, overdueAt: Date) async {
        guard await isActive(name) else { return }
        let key = AgentRunRequest(agent: name, trigger: .scheduled(at: fire)).idempotencyKey
        guard let page = try? await store.queryRuns(RunQuery(idempotencyKey: key, limit: 1)), page.records.isEmpty,
            await claimMarker("overdue/\(name)/\(Timestamp.format(fire))")
        else { return }
        events.emit(
            RunEvent(
                kind: .fireOverdue, timestamp: clock.now, agentName: name,
                message:
                    "the fire of \(name) at \(Timestamp.format(fire)) has no run record \(DurationText.format(overdueGracePeriod)) after it was due: are all runners down or stuck?",
                details: .overdueFire(OverdueFireDetails(fire: fire, overdueSince: overdueAt))))
    }

    /// Takes the marker lease of a breach; only the runner that gets it announces.
    private func claimMarker(_ name: String) async -> Bool {
        ((try? await store.acquireLease(named: name, owner: owner, duration: markerLifetime)) ?? nil) != nil
    }
}
