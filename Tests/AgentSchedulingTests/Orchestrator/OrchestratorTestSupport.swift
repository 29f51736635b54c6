import AgentCore
import AgentScheduling
import AgentStorage
import Foundation
import Synchronization

/// An orchestrator on a manual clock and an in-memory store, with every event collected.
final class OrchestratorHarness: Sendable {
    let clock = ManualClock()
    let store: InMemoryAgentStore
    let events = EventBroadcaster()
    let orchestrator: Orchestrator
    private let collected = Mutex<[RunEvent]>([])

    init() {
        store = InMemoryAgentStore(clock: clock)
        orchestrator = Orchestrator(
            store: store, clock: clock, events: events, owner: "test-owner",
            runIDs: RunIDGenerator(random: SeededRandomNumberGenerator(seed: 11)))
        events.addSink { [unowned self] event in self.collected.withLock { $0.append(event) } }
    }

    var emitted: [RunEvent] { collected.withLock { $0 } }

    func kinds(_ wanted: Set<RunEvent.Kind>) -> [RunEvent.Kind] {
        emitted.map(\.kind).filter { wanted.contains($0) }
    }

    func allRecords() async throws -> [RunRecord] {
        try await store.queryRuns(RunQuery(limit: 10_000)).records
    }

    static let terminalKinds: Set<RunEvent.Kind> = [.runSucceeded, .runFailed, .runTimedOut, .runCancelled]
}

/// Counts how often an agent body actually ran.
final class ExecutionCounter: Sendable {
    private let count = Atomic<Int>(0)
    func increment() { count.wrappingAdd(1, ordering: .relaxed) }
    var value: Int { count.load(ordering: .relaxed) }
}

/// A gate an agent can wait at without reacting to cancellation, to model an agent that ignores it.
final class CancellationIgnoringGate: Sendable {
    private let waiter = Mutex<(opened: Bool, continuation: CheckedContinuation<Void, Never>?)>((false, nil))

    /// Waits until ``open()`` is called, whether or not the task is cancelled.
    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let openAlready = waiter.withLock { state in
                if state.opened { return true }
                state.continuation = continuation
                return false
            }
            if openAlready { continuation.resume() }
        }
    }

    /// Lets the waiter continue.
    func open() {
        let continuation = waiter.withLock { state in
            state.opened = true
            defer { state.continuation = nil }
            return state.continuation
        }
        continuation?.resume()
    }
}
