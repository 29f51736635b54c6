import AgentCore
import AgentScheduling
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import NIOWebSocket

/// `GET /api/v1/events` (WebSocket): the runner's events as JSON text messages (`?agent=` for one agent's), with a
/// heartbeat; a client that reads too slowly is closed with code 1008 ("too slow") and never slows the runner.
struct EventsController {
    let gateway: RunnerGateway

    /// Adds the route under `/api/v1`.
    func register(on group: RouterGroup<ServerRequestContext>) {
        group.ws("events", shouldUpgrade: shouldUpgrade, onUpgrade: stream)
    }

    /// Checks the caller's role and the filter before upgrading; a refusal is an ordinary JSON error.
    @Sendable func shouldUpgrade(_ request: Request, context: ServerRequestContext) async throws -> RouterShouldUpgrade
    {
        try context.require(.read)
        if let agent = request.uri.queryParameters.get("agent") { _ = try gateway.agent(agent, field: "agent") }
        return .upgrade([:])
    }

    /// Forwards events until the client leaves, is dropped, or the server stops.
    @Sendable func stream(
        _ inbound: WebSocketInboundStream, _ outbound: WebSocketOutboundWriter,
        _ context: WebSocketRouterContext<ServerRequestContext>
    ) async throws {
        let agent = context.request.uri.queryParameters.get("agent").flatMap { try? AgentName($0) }
        let hub = gateway.hub
        let subscription = hub.subscribe(agent: agent)
        defer { hub.unsubscribe(subscription) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            // The client's messages are read (and ignored) so that its close frame is seen.
            group.addTask {
                for try await _ in inbound {}
            }
            group.addTask {
                for await text in subscription.events { try await outbound.write(.text(text)) }
                if hub.wasDropped(subscription) {
                    try await outbound.close(.policyViolation, reason: "too slow: events were not read in time")
                } else {
                    try await outbound.close(.goingAway, reason: "the server is stopping")
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }
}
