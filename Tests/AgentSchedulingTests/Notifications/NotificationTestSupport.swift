import AgentCore
import AgentScheduling
import AgentStorage
import Foundation

/// What notifier tests add to ``OrchestratorHarness``.
extension OrchestratorHarness {
    /// The collected events of one kind, in order.
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
