import AgentCore
import AgentScheduling
import AgentStorage
import Foundation
import Synchronization
import Testing

/// The stores every plan and approval test runs against.
enum WorkflowStoreKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case inMemory, jsonFile
    var description: String { rawValue }
}

/// A store of one kind (with the directory it lives in, for JSON files) and more handles on it.
final class WorkflowStoreHarness: Sendable {
    let kind: WorkflowStoreKind
    let clock: ManualClock
    let store: any WorkflowStore
    private let directory: TemporaryDirectory?

    init(_ kind: WorkflowStoreKind, start: Date = Date(timeIntervalSince1970: 1_736_899_200)) async throws {
        self.kind = kind
        self.clock = ManualClock(start: start)  // 2025-01-15 00:00 UTC
        switch kind {
        case .inMemory:
            directory = nil
            store = InMemoryAgentStore(clock: clock)
        case .jsonFile:
            let directory = try TemporaryDirectory("plans")
            self.directory = directory
            store = try await JSONFileAgentStore.open(directory: directory.url, clock: clock)
        }
    }

    /// Another handle on the same storage, as another process would open it (the same handle in memory).
    func handle() async throws -> any WorkflowStore {
        guard let directory else { return store }
        return try await JSONFileAgentStore.open(directory: directory.url, clock: clock)
    }
}

/// Agents whose outcomes a test scripts, counting their starts.
final class ScriptedAgents: Sendable {
    private let state = Mutex<(scripts: [AgentName: [AgentRunResult]], starts: [AgentName: Int], order: [AgentName])>(
        ([:], [:], []))
    let gates = Mutex<[AgentName: Gate]>([:])

    /// Sets the outcomes of an agent's runs, in order; the last repeats.
    func script(_ agent: AgentName, _ results: AgentRunResult...) {
        state.withLock { $0.scripts[agent] = results }
    }

    /// Makes an agent's runs wait until the gate opens.
    func hold(_ agent: AgentName) -> Gate {
        let gate = Gate()
        gates.withLock { $0[agent] = gate }
        return gate
    }

    func starts(_ agent: AgentName) -> Int { state.withLock { $0.starts[agent] ?? 0 } }
    var order: [AgentName] { state.withLock { $0.order } }

    /// Agents that play their scripts.
    func agents(_ names: [AgentName]) -> [ClosureAgent] { names.map { agent($0) } }

    /// An agent that plays its script (default: success).
    func agent(_ name: AgentName, retry: RetryPolicy = .never) -> ClosureAgent {
        ClosureAgent(
            name: name, policy: RunPolicy(retry: retry, autoPauseAfterConsecutiveFailures: 3)
        ) { [self] _, _ in
            let result: AgentRunResult = state.withLock { state in
                state.starts[name, default: 0] += 1
                state.order.append(name)
                var script = state.scripts[name] ?? []
                let next = script.first ?? .succeeded()
                if script.count > 1 { script.removeFirst() }
                state.scripts[name] = script
                return next
            }
            if let gate = gates.withLock({ $0[name] }) { try await gate.wait() }
            return result
        }
    }
}

extension AgentRunResult {
    /// A result awaiting approval of a pull request.
    static func pullRequest(_ number: Int) -> AgentRunResult {
        AgentRunResult(
            outcome: .awaitingApproval, summary: "opened a pull request",
            outputsURI: "https://github.com/user/repo/pull/\(number)")
    }
}

/// Runner options for tests: a fixed owner and seed.
func runnerOptions(_ owner: String, plans: [PlanDefinition], policies: [AgentName: ApprovalPolicy] = [:])
    -> AgentRunner.Options
{
    var scheduler = SchedulerConfiguration()
    scheduler.owner = owner
    scheduler.random = SeededRandomNumberGenerator(seed: 7)
    var options = AgentRunner.Options(scheduler: scheduler, role: "test")
    options.plans = plans
    options.approvalPolicies = policies
    return options
}

/// Waits (bounded) until a plan run is in one of the statuses.
@discardableResult
func waitForPlanRun(
    _ id: String, in store: any WorkflowStore, toBe statuses: Set<PlanRunStatus>,
    sourceLocation: SourceLocation = #_sourceLocation
) async -> PlanRun? {
    var last: PlanRun?
    await eventually(
        "plan run \(id) did not become \(statuses); last: \(String(describing: last))", sourceLocation: sourceLocation
    ) {
        last = try? await store.planRun(id: id)
        return last.map { statuses.contains($0.status) } ?? false
    }
    return last
}
