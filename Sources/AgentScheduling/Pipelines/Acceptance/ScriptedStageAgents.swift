import AgentCore
import Foundation
import Synchronization

/// Stage agents whose outcomes a pipeline acceptance check scripts, counting their starts; an agent can be held
/// until the check lets it finish.
final class ScriptedStageAgents: Sendable {
    private struct State {
        var scripts: [AgentName: [AgentRunResult]] = [:]
        var starts: [AgentName: Int] = [:]
        var held: Set<AgentName> = []
        var waiters: [Int: CheckedContinuation<Void, any Error>] = [:]
        var nextWaiter = 0
    }

    private let state = Mutex(State())

    /// Sets the outcomes of an agent's runs, in order; the last repeats.
    func script(_ agent: AgentName, _ results: AgentRunResult...) {
        state.withLock { $0.scripts[agent] = results }
    }

    /// Makes an agent's runs wait until ``release(_:)``.
    func hold(_ agent: AgentName) {
        state.withLock { _ = $0.held.insert(agent) }
    }

    /// Lets the held runs of an agent finish.
    func release(_ agent: AgentName) {
        let waiters = state.withLock { state in
            state.held.remove(agent)
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// How many runs of an agent started.
    func starts(_ agent: AgentName) -> Int { state.withLock { $0.starts[agent] ?? 0 } }

    /// An agent that plays its script (default: success), retrying by `retry`.
    func agent(_ name: AgentName, retry: RetryPolicy) -> ClosureAgent {
        ClosureAgent(name: name, policy: RunPolicy(retry: retry, autoPauseAfterConsecutiveFailures: 3)) { [self] _, _ in
            let result: AgentRunResult = state.withLock { state in
                state.starts[name, default: 0] += 1
                var script = state.scripts[name] ?? []
                let next = script.first ?? .succeeded()
                if script.count > 1 { script.removeFirst() }
                state.scripts[name] = script
                return next
            }
            try await waitWhileHeld(name)
            return result
        }
    }

    private func waitWhileHeld(_ name: AgentName) async throws {
        let id = state.withLock { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resume: Bool? = state.withLock { state in
                    if !state.held.contains(name) { return true }
                    if Task.isCancelled { return false }
                    state.waiters[id] = continuation
                    return nil
                }
                switch resume {
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
