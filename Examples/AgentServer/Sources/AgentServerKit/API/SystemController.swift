import AgentCore
import AgentScheduling
import Foundation
import HTTPTypes
import Hummingbird

/// The OpenAPI document, the Prometheus metrics and the caller's session (its roles, for the dashboard).
struct SystemController {
    let gateway: RunnerGateway
    /// The OpenAPI document naming this server's agents.
    let document: [UInt8]

    /// Creates the controller.
    init(gateway: RunnerGateway) {
        self.gateway = gateway
        self.document = OpenAPIDocument.served(agents: gateway.agentNames)
    }

    /// Adds `/api/v1/openapi.json`, `/api/v1/session`, `/api/v1/metrics` and `/metrics`.
    func register(on router: Router<ServerRequestContext>, api: RouterGroup<ServerRequestContext>) {
        api.get("openapi.json", use: openAPI)
        api.get("session", use: session)
        api.get("metrics", use: metrics)
        router.get("metrics", use: metrics)
    }

    /// The OpenAPI 3.1 document of the API (public, like the dashboard's page).
    @Sendable func openAPI(_ request: Request, context: ServerRequestContext) async throws -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: document)))
    }

    /// Who the caller is: `{"authenticated", "roles", "tokensRequired"}`.
    @Sendable func session(_ request: Request, context: ServerRequestContext) async throws -> Response {
        var fields: [String: JSONValue] = [
            "roles": .array(context.access.roles.map { .string($0.rawValue) }),
            "tokensRequired": .bool(context.access != .open),
        ]
        if case .token(let name, _) = context.access { fields["token"] = .string(name) }
        return JSONBody.response(.object(fields))
    }

    /// Prometheus text.
    @Sendable func metrics(_ request: Request, context: ServerRequestContext) async throws -> Response {
        try context.require(.read)
        let health = try await gateway.runner.scheduler.health(window: .seconds(3600))
        let pipelines = try await gateway.pipelineFigures()
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: gateway.metrics.render(health: health, pipelines: pipelines))))
    }
}
