import AgentCore
import AgentScheduling
import Foundation
import Hummingbird

/// The staged pipelines: their figures per stage and their candidates, read from the store (so candidates moved by
/// other processes count too).
struct PipelinesController {
    let gateway: RunnerGateway

    /// Adds the routes under `/api/v1`.
    func register(on group: RouterGroup<ServerRequestContext>) {
        group.get("pipelines", use: figures)
        group.get("candidates", use: candidates)
    }

    /// `GET /pipelines`: `{"items": [...]}`, one item per pipeline and stage with duration p50/p95, retries,
    /// failure classes, queue depth and hand-off latency.
    @Sendable func figures(_ request: Request, context: ServerRequestContext) async throws -> Response {
        try context.require(.read)
        try request.uri.queryParameters.requireOnly([])
        let figures = try await gateway.pipelineFigures()
        return JSONBody.response(.object(["items": .array(try figures.map(JSONBody.value))]))
    }

    /// `GET /candidates?pipeline=P&limit=N`: `{"items": [...]}`, oldest submission first.
    @Sendable func candidates(_ request: Request, context: ServerRequestContext) async throws -> Response {
        try context.require(.read)
        let parameters = request.uri.queryParameters
        try parameters.requireOnly(["pipeline", "limit"])
        let configured = gateway.runner.options.pipelines
        var pipeline: String?
        if let name = parameters.get("pipeline") {
            guard configured.contains(where: { $0.name == name }) else {
                let names = configured.map(\.name)
                throw APIError.invalid(
                    "pipeline",
                    "no pipeline named \"\(name)\"; "
                        + (names.isEmpty ? "none is configured" : "configured: " + names.joined(separator: ", ")))
            }
            pipeline = name
        }
        let limit = try parameters.limit(default: 100, maximum: 1000)
        guard let store = gateway.store as? any PipelineStore else {
            return JSONBody.response(.object(["items": .array([])]))
        }
        let found = try await store.candidates(pipeline: pipeline, limit: limit)
        let definitions = Dictionary(configured.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        return JSONBody.response(
            .object(["items": .array(found.map { Self.json($0, definition: definitions[$0.pipeline]) })]))
    }

    /// A candidate as the API shows it: its state by name, who paused it and why, and its stage's name.
    static func json(_ candidate: Candidate, definition: PipelineDefinition?) -> JSONValue {
        var fields: [String: JSONValue] = [
            "id": .string(candidate.id), "pipeline": .string(candidate.pipeline),
            "stage": .integer(Int64(candidate.stage)), "state": .string(candidate.state.name),
            "failures": .array(candidate.failures.map { .integer(Int64($0)) }),
            "attempts": .array(candidate.attempts.map { .integer(Int64($0)) }),
            "readySince": .string(Timestamp.format(candidate.readySince)),
            "createdAt": .string(Timestamp.format(candidate.createdAt)),
            "updatedAt": .string(Timestamp.format(candidate.updatedAt)),
        ]
        if let stages = definition?.stages, stages.indices.contains(candidate.stage) {
            fields["stageName"] = .string(stages[candidate.stage].name)
        }
        if let run = candidate.activeRunID { fields["activeRunID"] = .string(run.rawValue) }
        if let pause = candidate.state.pause {
            fields["pausedBy"] = .string(pause.by)
            fields["pausedReason"] = .string(pause.reason)
        }
        if let gate = candidate.gate { fields["gate"] = .string(gate.outcome.rawValue) }
        return .object(fields)
    }
}
