import AgentCore
import AgentScheduling
import AgentStorage
import Foundation
import HTTPTypes
import Hummingbird

/// The run endpoints: trigger, list (JSON and CSV), detail, logs and cancel.
struct RunsController {
    let gateway: RunnerGateway
    /// The bodies of the pages and the JSON of the runs listed lately, reused while they are unchanged.
    let listJSON = RunListJSON()

    /// Adds the routes under `/api/v1`.
    func register(on group: RouterGroup<ServerRequestContext>) {
        group.post("agents/:agentName/runs", use: trigger)
        group.get("agents/runs", use: list)
        group.get("agents/runs.csv", use: csv)
        group.get("runs/:id", use: detail)
        group.get("runs/:id/logs", use: logs)
        group.post("runs/:id/cancel", use: cancel)
    }

    /// `POST /agents/{agentName}/runs`: 202 with the new run, 200 when the Idempotency-Key already succeeded.
    @Sendable func trigger(_ request: Request, context: ServerRequestContext) async throws -> Response {
        try context.require(.operate)
        let agent = try gateway.agent(context.parameters.require("agentName"), field: "agentName")
        let body = try await JSONBody.object(request, context: context)
        let run = try Self.runRequest(agent: agent, body: body, key: request.headers[values: .idempotencyKey])
        let outcome = try await storeCall { try await ManualRunStarter(runner: gateway.runner).start(run) }
        switch outcome {
        case .alreadySucceeded(let record):
            return try JSONBody.response(record, status: .ok, headers: [.location: Self.location(record.id)])
        case .started(let record):
            return try JSONBody.response(record, status: .accepted, headers: [.location: Self.location(record.id)])
        case .waiting:
            let value: JSONValue = .object([
                "state": .string("waiting"), "agent": .string(agent.rawValue),
                "idempotencyKey": .string(run.idempotencyKey.rawValue),
                "message": .string("queued behind the concurrency limit; list runs with this key to follow it"),
            ])
            return JSONBody.response(value, status: .accepted)
        }
    }

    /// Reads the trigger's body and key.
    static func runRequest(agent: AgentName, body: [String: JSONValue], key values: [String]) throws(APIError)
        -> AgentRunRequest
    {
        let known = ["parameters", "businessDate", "correlationId"]
        for field in body.keys where !known.contains(field) {
            throw APIError.invalid(field, "unknown field; the body may hold \(known.joined(separator: ", "))")
        }
        var parameters: JSONValue = .emptyObject
        switch body["parameters"] {
        case nil, .null?: break
        case .object(let members)?: parameters = .object(members)
        default: throw APIError.invalid("parameters", "parameters must be a JSON object such as {\"limit\": 5}")
        }
        var businessDate: BusinessDate?
        switch body["businessDate"] {
        case nil, .null?: break
        case .string(let text)?:
            do {
                businessDate = try BusinessDate(text)
            } catch {
                throw APIError.invalid("businessDate", "\"\(text)\" is not a date: \(error); write YYYY-MM-DD")
            }
        default: throw APIError.invalid("businessDate", "businessDate must be a string such as \"2026-01-31\"")
        }
        var correlationID: String?
        switch body["correlationId"] {
        case nil, .null?: break
        case .string(let text)? where !text.isEmpty && text.count <= 200: correlationID = text
        default: throw APIError.invalid("correlationId", "correlationId must be a string of 1 to 200 characters")
        }
        guard values.count <= 1 else {
            throw APIError.invalid("Idempotency-Key", "send at most one Idempotency-Key header")
        }
        let key: IdempotencyKey
        do {
            key = try IdempotencyKey(values.first ?? "manual:" + UUID().uuidString.lowercased())
        } catch {
            throw APIError.invalid("Idempotency-Key", "\(error)")
        }
        return AgentRunRequest(
            agent: agent, trigger: .manual, parameters: parameters, correlationID: correlationID,
            businessDate: businessDate, idempotencyKey: key)
    }

    /// `GET /agents/runs`: `{"items": [...], "next_cursor": ...}`, newest first.
    @Sendable func list(_ request: Request, context: ServerRequestContext) async throws -> Response {
        try context.require(.read)
        let query = try RunListQuery(
            request.uri.queryParameters, defaultLimit: 50, maximumLimit: RunListQuery.maximumJSONLimit
        ).query
        let page = try await storeCall { try await gateway.store.queryRuns(query) }
        return Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: try listJSON.body(of: page, for: query)))
    }

    /// `GET /agents/runs.csv`: the same filters, at most 10,000 rows; the next page's cursor in `X-Next-Cursor`.
    @Sendable func csv(_ request: Request, context: ServerRequestContext) async throws -> Response {
        try context.require(.read)
        let query = try RunListQuery(
            request.uri.queryParameters, defaultLimit: RunQuery.maximumLimit, maximumLimit: RunQuery.maximumLimit
        ).query
        let page = try await storeCall { try await gateway.store.queryRuns(query) }
        var headers: HTTPFields = [
            .contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"runs.csv\"",
        ]
        if let next = page.nextCursor { headers[.nextCursor] = next.token }
        return Response(
            status: .ok, headers: headers,
            body: .init(byteBuffer: ByteBuffer(string: RunCSVFormat.document(page.records))))
    }

    /// `GET /runs/{id}`: the record.
    @Sendable func detail(_ request: Request, context: ServerRequestContext) async throws -> Response {
        try context.require(.read)
        let record = try await gateway.run(context.parameters.require("id"))
        return try JSONBody.response(record)
    }

    /// `GET /runs/{id}/logs?stream=stdout|stderr&tail=N`.
    @Sendable func logs(_ request: Request, context: ServerRequestContext) async throws -> Response {
        try context.require(.read)
        let parameters = request.uri.queryParameters
        let stream = parameters.get("stream") ?? "stdout"
        guard ["stdout", "stderr"].contains(stream) else {
            throw APIError.invalid("stream", "\"\(stream)\" is not a stream; use stdout or stderr")
        }
        var tail: Int?
        if let text = parameters.get("tail") {
            guard let value = Int(text), (1...100_000).contains(value) else {
                throw APIError.invalid("tail", "\"\(text)\" is not a line count; use a whole number from 1 to 100000")
            }
            tail = value
        }
        let record = try await gateway.run(context.parameters.require("id"))
        let directory = RunLogDirectory(
            root: gateway.configuration.logsDirectory, agent: record.agentName, runID: record.id)
        let file = stream == "stderr" ? directory.stderrURL : directory.stdoutURL
        // Logs are bounded by the agent's output limit (16 MiB by default), so one read is fine.
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw APIError.notFound(
                "noLogs",
                "run \(record.id) has no \(stream) log"
                    + (record.status == .skipped
                        ? " (it was skipped, so nothing ran)" : " (only command agents write logs)"))
        }
        var lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        let total = lines.count
        if let tail, lines.count > tail { lines = Array(lines.suffix(tail)) }
        return JSONBody.response(
            .object([
                "runID": .string(record.id.rawValue), "stream": .string(stream), "totalLines": .integer(Int64(total)),
                "lines": .array(lines.map { .string(String($0)) }),
            ]))
    }

    /// `POST /runs/{id}/cancel`: 202 while the cancellation is carried out; 409 for a run that already ended.
    @Sendable func cancel(_ request: Request, context: ServerRequestContext) async throws -> Response {
        try context.require(.operate)
        let record = try await gateway.run(context.parameters.require("id"))
        guard !record.status.isTerminal else {
            throw APIError(.conflict, code: "runEnded", "run \(record.id) already ended \(record.status)")
        }
        let here = try await storeCall { try await gateway.runner.cancel(record.id, reason: "cancelled over the API") }
        return JSONBody.response(
            .object([
                "runID": .string(record.id.rawValue), "cancelling": .bool(true),
                "where": .string(here ? "this runner" : "its owner, through the store"),
            ]), status: .accepted)
    }

    private static func location(_ id: RunID) -> String { "/api/v1/runs/\(id.rawValue)" }
}

/// Runs a store call, answering the store's complaints about the request (a foreign cursor, a bad query) with 400.
func storeCall<Value>(_ body: () async throws -> Value) async throws -> Value {
    do {
        return try await body()
    } catch let error as StoreError where error.code == .invalidCursor {
        throw APIError.invalid("cursor", error.message)
    } catch let error as StoreError where error.code == .invalidQuery {
        throw APIError.invalid("query", error.message)
    }
}
