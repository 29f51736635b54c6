import AgentCore
import AgentStorage
import Foundation
import Synchronization
import TestDeadlines
import Testing

@testable import AgentScheduling

/// 2026-01-01T00:00:00Z, the manual clock's default start.
let schedulerEpoch = Date(timeIntervalSince1970: 1_767_225_600)

/// A scheduler on a manual clock and an in-memory store (or a given one), with every event collected.
final class SchedulerHarness: Sendable {
    let clock: ManualClock
    let store: any AgentStore
    let events = EventBroadcaster()
    let scheduler: AgentScheduler
    private let collected = Mutex<[RunEvent]>([])

    init(
        agents: [any AgentDefinition], clock: ManualClock = ManualClock(), store: (any AgentStore)? = nil,
        owner: String = "scheduler-a", configure: (inout SchedulerConfiguration) -> Void = { _ in }
    ) throws {
        self.clock = clock
        self.store = store ?? InMemoryAgentStore(clock: clock)
        var configuration = SchedulerConfiguration(
            random: SeededRandomNumberGenerator(seed: 42), owner: owner,
            runIDs: RunIDGenerator(random: SeededRandomNumberGenerator(seed: Self.seed(owner))))
        configure(&configuration)
        scheduler = try AgentScheduler(
            agents: agents, store: self.store, clock: clock, events: events, configuration: configuration)
        events.addSink { [unowned self] event in self.collected.withLock { $0.append(event) } }
    }

    /// A stable seed per owner (FNV-1a), so two schedulers never draw the same run ids.
    static func seed(_ owner: String) -> UInt64 {
        owner.utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }

    /// Every event so far.
    var emitted: [RunEvent] { collected.withLock { $0 } }

    /// The events of some kinds, in order.
    func events(_ kind: RunEvent.Kind) -> [RunEvent] { emitted.filter { $0.kind == kind } }

    /// Every record (of one agent), oldest first.
    func records(of agent: AgentName? = nil) async throws -> [RunRecord] {
        try await store.queryRuns(RunQuery(agent: agent, limit: 10_000)).records.reversed()
    }

    /// Moves the clock to `date`, ticks, and waits until every started run has ended and been recorded.
    func tick(at date: Date) async {
        await clock.advance(to: date)
        await scheduler.runDue(now: clock.now)
        await waitBounded("the scheduler to be quiet") { [scheduler] in await scheduler.waitUntilQuiet() }
    }

    /// Moves the clock by `duration` and ticks.
    func tick(after duration: Duration) async {
        await tick(at: clock.now.addingTimeInterval(duration.timeInterval))
    }
}

/// Ticks two schedulers sharing one manual clock at the same instants, every minute from the epoch for
/// `minutes` minutes, both at once (as two processes would), and waits until both are quiet after each tick.
func tickTogether(_ first: SchedulerHarness, _ second: SchedulerHarness, everyMinuteFor minutes: Int) async {
    let clock = first.clock
    for minute in 1...minutes {
        await clock.advance(to: schedulerEpoch.addingTimeInterval(Double(minute) * 60))
        async let one: Void = first.scheduler.runDue(now: clock.now)
        async let two: Void = second.scheduler.runDue(now: clock.now)
        _ = await (one, two)
        await waitBounded("the scheduler to be quiet") { await first.scheduler.waitUntilQuiet() }
        await waitBounded("the scheduler to be quiet") { await second.scheduler.waitUntilQuiet() }
    }
}

/// The scheduled fire times of records, by agent.
func fires(of records: [RunRecord]) -> [Date] {
    records.compactMap(\.trigger.nominalFireTime)
}

/// Observes agent bodies: how many run at once (and the most ever), and the order they start and end in.
final class Probe: Sendable {
    private struct State {
        var current = 0
        var maximum = 0
        var starts: [String] = []
        var ends: [String] = []
        var startWaiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state = Mutex(State())

    func enter(_ label: String) {
        let ready: [CheckedContinuation<Void, Never>] = state.withLock { state in
            state.current += 1
            state.maximum = max(state.maximum, state.current)
            state.starts.append(label)
            let count = state.starts.count
            let ready = state.startWaiters.filter { $0.count <= count }.map(\.continuation)
            state.startWaiters.removeAll { $0.count <= count }
            return ready
        }
        for waiter in ready { waiter.resume() }
    }

    func exit(_ label: String) {
        state.withLock { state in
            state.current -= 1
            state.ends.append(label)
        }
    }

    var maximum: Int { state.withLock { $0.maximum } }
    var current: Int { state.withLock { $0.current } }
    var starts: [String] { state.withLock { $0.starts } }
    var ends: [String] { state.withLock { $0.ends } }

    /// Waits until at least `count` bodies have started.
    func waitForStarts(_ count: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state in
                if state.starts.count >= count { return true }
                state.startWaiters.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }
}

/// A latch agents wait on until the test opens it; waiting honours cancellation.
final class Gate: Sendable {
    private struct State {
        var isOpen = false
        var nextID = 0
        var waiters: [Int: CheckedContinuation<Void, any Error>] = [:]
    }

    private let state = Mutex(State())

    func open() {
        let waiters = state.withLock { state in
            state.isOpen = true
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    func wait() async throws {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome: Bool? = state.withLock { state in
                    if state.isOpen { return true }
                    if Task.isCancelled { return false }
                    state.waiters[id] = continuation
                    return nil
                }
                switch outcome {
                case true?: continuation.resume()
                case false?: continuation.resume(throwing: CancellationError())
                case nil: break
                }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume(throwing: CancellationError())
        }
    }
}

/// A label for a run in probes: `agent@2026-01-01T00:01:00.000Z` or `agent@manual`.
func label(_ request: AgentRunRequest) -> String {
    switch request.trigger {
    case .scheduled(let fire): "\(request.agentName)@\(Timestamp.format(fire))"
    case .backfill(let date): "\(request.agentName)@\(date)"
    default: "\(request.agentName)@\(request.trigger.kind)"
    }
}

/// An agent whose body enters the probe, optionally waits on a gate, and succeeds.
func probedAgent(
    _ name: AgentName, schedule: ScheduleConfiguration, policy: RunPolicy = RunPolicy(retry: .never),
    probe: Probe, gate: Gate? = nil
) -> ClosureAgent {
    ClosureAgent(name: name, schedule: schedule, policy: policy) { request, _ in
        probe.enter(label(request))
        defer { probe.exit(label(request)) }
        try await gate?.wait()
        return .succeeded()
    }
}
