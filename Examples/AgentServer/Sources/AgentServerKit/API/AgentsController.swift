import AgentCLI
import AgentCore
import AgentScheduling
import Foundation
import HTTPTypes
import Hummingbird

/// The agent endpoints: health, scheduler status, schedules, pause and resume (schedule changes:
/// ``ScheduleController``).
struct AgentsController {
    let gateway: RunnerGateway
    /// How many recent runs each agent's sparkline shows.
    static let sparklineLength = 20

    /// Adds the routes under `/api/v1`.
    func register(on group: RouterGroup<ServerRequestContext>) {
        group.get("agents/health", use: health)
        group.get("scheduler/status", use: status)
        group.get("agents/:agentName/schedule", use: schedule)
        group.post("agents/:agentName/pause", use: pause)
        group.post("agents/:agentName/resume", use: resume)
    }

    /// `GET /agents/health?window=SECONDS`: per agent last status, success rate, p50/p95, streak, next fire, paused,
    /// service levels, and the statuses of its recent runs (newest last) for a sparkline.
    @Sendable func health(_ request: Request, context: ServerRequestContext) async throws -> Response {
        try context.require(.read)
        var window = Duration.seconds(86_400)
        if let text = request.uri.queryParameters.get("window") {
            guard let seconds = Int(text), (1...31_536_000).contains(seconds) else {
                throw APIError.invalid("window", "\"\(text)\" is not a window; give whole seconds from 1 to 31536000")
            }
            window = .seconds(seconds)
        }
        let snapshot = try await gateway.runner.scheduler.health(window: window)
        var agents: [JSONValue] = []
        for agent in snapshot.agents {
            guard case .object(var fields) = HealthFormatting.json(agent) else { continue }
            let recent = try await gateway.store.queryRuns(
                RunQuery(agent: agent.name, limit: Self.sparklineLength)
            ).records
            fields["recent"] = .array(
                recent.reversed().map { record in
                    var point: [String: JSONValue] = [
                        "runID": .string(record.id.rawValue), "status": .string(record.status.rawValue),
                    ]
                    if let started = record.startedAt, let ended = record.endedAt {
                        point["durationMs"] = .integer(Int64((ended.timeIntervalSince(started) * 1000).rounded()))
                    }
                    return .object(point)
                })
            agents.append(.object(fields))
        }
        return JSONBody.response(
            .object([
                "takenAt": .string(Timestamp.format(snapshot.takenAt)),
                "windowSeconds": .integer(Int64(snapshot.window.components.seconds)),
                "state": .string(snapshot.state.description), "agents": .array(agents),
            ]))
    }

    /// `GET /scheduler/status`: state, queue depth, running runs, live runners.
    @Sendable func status(_ request: Request, context: ServerRequestContext) async throws -> Response {
        try context.require(.read)
        let snapshot = try await gateway.runner.scheduler.health(window: .seconds(60))
        let runners = try await gateway.runner.control.liveRunners()
        var fields: [String: JSONValue] = [
            "state": .string(snapshot.state.description), "queueDepth": .integer(Int64(snapshot.queueDepth)),
            "running": .integer(Int64(snapshot.runningCount)),
            "waitingRetries": .integer(Int64(snapshot.waitingRetries)),
            "concurrencyLimit": .integer(Int64(snapshot.concurrencyLimit)),
            "runnerID": .string(gateway.runner.id),
            "liveRunners": .array(try runners.map { try JSONBody.value($0) }),
        ]
        if let error = snapshot.storeError { fields["storeError"] = .string(error) }
        return JSONBody.response(.object(fields))
    }

    /// `GET /agents/{agentName}/schedule`: the schedule and its state.
    @Sendable func schedule(_ request: Request, context: ServerRequestContext) async throws -> Response {
        try context.require(.read)
        let name = try gateway.agent(context.parameters.require("agentName"), field: "agentName")
        return try await scheduleResponse(name)
    }

    /// `POST /agents/{agentName}/pause`: pauses the agent on every runner of the store.
    @Sendable func pause(_ request: Request, context: ServerRequestContext) async throws -> Response {
        try context.require(.operate)
        let name = try gateway.agent(context.parameters.require("agentName"), field: "agentName")
        let body = try await JSONBody.object(request, context: context)
        for field in body.keys where field != "reason" {
            throw APIError.invalid(field, "unknown field; the body may hold reason")
        }
        var reason: String?
        switch body["reason"] {
        case nil, .null?: break
        case .string(let text)? where text.count <= 500: reason = text
        default: throw APIError.invalid("reason", "reason must be a string of at most 500 characters")
        }
        try await gateway.runner.pause(name, reason: reason ?? "paused over the API")
        return try await scheduleResponse(name)
    }

    /// `POST /agents/{agentName}/resume`: resumes the agent on every runner of the store.
    @Sendable func resume(_ request: Request, context: ServerRequestContext) async throws -> Response {
        try context.require(.operate)
        let name = try gateway.agent(context.parameters.require("agentName"), field: "agentName")
        _ = try await JSONBody.object(request, context: context)
        try await gateway.runner.resume(name)
        return try await scheduleResponse(name)
    }

    /// The schedule of an agent as `GET /agents/{agentName}/schedule` shows it: the schedule in force (cron and time
    /// zone, interval or manual), its description, whether it is set at run time over the configured one (and that
    /// one), paused, and the next fire times.
    func scheduleResponse(_ name: AgentName) async throws -> Response {
        guard let agent = await gateway.runner.scheduler.agents().first(where: { $0.name == name }) else {
            throw APIError.notFound("unknownAgent", "no agent named \"\(name)\"", field: "agentName")
        }
        // Pauses and schedule overrides are written to the store, which every runner follows; a runner that has not
        // applied the latest one yet (it does within a second) must not be answered for it, so the stored state does.
        let stored = try await gateway.store.scheduleState(for: name)
        let isPaused = stored?.isPaused ?? agent.isPaused
        let pausedReason = stored.map(\.pausedReason) ?? agent.pausedReason
        let schedule = stored.map { $0.scheduleOverride ?? agent.configuredSchedule } ?? agent.schedule
        let validation = try? AgentScheduler.validate(schedule, from: gateway.runner.clock.now, count: 5)
        var fields: [String: JSONValue] = [
            "agent": .string(name.rawValue), "schedule": try JSONBody.datedValue(schedule),
            "description": .string(validation?.description ?? schedule.description), "enabled": .bool(agent.isEnabled),
            "overridden": .bool(stored.map { $0.scheduleOverride != nil } ?? agent.isScheduleOverridden),
            "configuredSchedule": try JSONBody.datedValue(agent.configuredSchedule),
            "paused": .bool(isPaused), "consecutiveFailures": .integer(Int64(agent.consecutiveFailures)),
            "upcoming": .array((validation?.upcoming ?? []).map { .string(Timestamp.format($0)) }),
        ]
        if isPaused, let reason = pausedReason { fields["pausedReason"] = .string(reason) }
        // The runner's next fire once it fires by this schedule; until then, the schedule's own next fire.
        let next = agent.schedule == schedule ? agent.nextFireAt : validation?.upcoming.first
        if let next { fields["nextFireAt"] = .string(Timestamp.format(next)) }
        if let last = agent.lastFireAt { fields["lastFireAt"] = .string(Timestamp.format(last)) }
        return JSONBody.response(.object(fields))
    }
}
