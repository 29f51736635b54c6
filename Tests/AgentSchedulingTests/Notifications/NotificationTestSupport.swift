import AgentCore
import AgentScheduling
import AgentStorage
import Foundation
import Synchronization

/// An orchestrator on a manual clock with an in-memory store, for notifier tests; every event is collected.
final class NotificationHarness: Sendable {
    let clock = ManualClock()
    let store: InMemoryAgentStore
    let events = EventBroadcaster()
    let orchestrator: Orchestrator
    private let collected = Mutex<[RunEvent]>([])

    init() {
        store = InMemoryAgentStore(clock: clock)
        orchestrator = Orchestrator(store: store, clock: clock, events: events, owner: "notification-tests")
        events.addSink { [weak self] event in self?.collected.withLock { $0.append(event) } }
    }

    var emitted: [RunEvent] { collected.withLock { $0 } }

    func emitted(_ kind: RunEvent.Kind) -> [RunEvent] { emitted.filter { $0.kind == kind } }

    /// A notifier on this harness's store and clock, attached to its events.
    func notifier(
        _ webhooks: [WebhookConfiguration], retryDecisionDelay: Duration = .zero, attach: Bool = true
    ) throws -> WebhookNotifier {
        let notifier = try WebhookNotifier(
            webhooks: webhooks, store: store, clock: clock, retryDecisionDelay: retryDecisionDelay)
        if attach { notifier.attach(to: events) }
        return notifier
    }

    /// Runs an agent named `agent` that returns `result`, through the orchestrator.
    func run(_ result: AgentRunResult, agent: AgentName = "nightly-docs") async throws -> RunRecord {
        let closure = ClosureAgent(name: agent) { _, context in
            context.log("working on it")
            return result
        }
        let request = AgentRunRequest(agent: agent, parameters: ["n": .string(UUID().uuidString)])
        return try await orchestrator.execute(request, agent: closure).record
    }
}

extension WebhookConfiguration {
    /// A webhook for a test server with quick retries.
    static func localServer(
        _ url: URL, format: WebhookFormat = .json, triggers: Set<WebhookTrigger> = [.failure, .autoPause],
        attempts: Int = 3
    ) -> WebhookConfiguration {
        WebhookConfiguration(
            url: url, format: format, triggers: triggers, headers: ["X-Test": "yes"], maximumAttempts: attempts,
            initialRetryDelay: .seconds(5), maximumRetryDelay: .seconds(60), timeout: .seconds(5))
    }
}
