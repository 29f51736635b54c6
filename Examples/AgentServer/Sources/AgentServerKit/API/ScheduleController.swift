import AgentCore
import AgentScheduling
import Foundation
import HTTPTypes
import Hummingbird

/// Schedule changes at run time: `PUT /agents/{agentName}/schedule` sets a schedule that replaces the configured
/// one and `DELETE` goes back to the configured one. Both are written to the store (``AgentScheduling/RunnerControl``)
/// and applied by every live runner that shares it; `GET` is ``AgentsController``'s.
struct ScheduleController {
    let gateway: RunnerGateway
    /// The shortest interval accepted over the API.
    static let minimumInterval = Duration.seconds(1)

    /// Adds the routes under `/api/v1`.
    func register(on group: RouterGroup<ServerRequestContext>) {
        group.put("agents/:agentName/schedule", use: set)
        group.delete("agents/:agentName/schedule", use: clear)
    }

    /// `PUT /agents/{agentName}/schedule` with `{"cron", "timeZone"}`, `{"interval"}` or `{"manual": true}`: 200
    /// with the schedule as `GET` shows it.
    @Sendable func set(_ request: Request, context: ServerRequestContext) async throws -> Response {
        try context.require(.operate)
        let name = try gateway.agent(context.parameters.require("agentName"), field: "agentName")
        let (schedule, field) = try Self.schedule(
            try await JSONBody.object(request, context: context), defaultTimeZone: gateway.configuration.timeZone)
        do {
            try await gateway.runner.control.setSchedule(schedule, of: name)
        } catch let error as SchedulerError where error.code == .invalidSchedule {
            throw APIError.invalid(field, error.message)
        }
        return try await AgentsController(gateway: gateway).scheduleResponse(name)
    }

    /// `DELETE /agents/{agentName}/schedule`: the configured schedule applies again; 200 with the schedule.
    @Sendable func clear(_ request: Request, context: ServerRequestContext) async throws -> Response {
        try context.require(.operate)
        let name = try gateway.agent(context.parameters.require("agentName"), field: "agentName")
        try await gateway.runner.control.clearSchedule(of: name)
        return try await AgentsController(gateway: gateway).scheduleResponse(name)
    }

    /// Reads the body of a `PUT`.
    /// - Parameters:
    ///   - body: The JSON object.
    ///   - defaultTimeZone: The zone of a cron schedule that names none (the configuration's).
    /// - Returns: The schedule and the field the scheduler's complaints about it are reported on.
    /// - Throws: ``APIError`` 400 naming the field at fault.
    static func schedule(_ body: [String: JSONValue], defaultTimeZone: String) throws(APIError)
        -> (schedule: ScheduleConfiguration, field: String)
    {
        let example =
            "send {\"cron\": \"*/5 * * * *\", \"timeZone\": \"UTC\"}, {\"interval\": \"15m\"} or {\"manual\": true}"
        for field in body.keys where !["cron", "timeZone", "interval", "manual"].contains(field) {
            throw APIError.invalid(field, "unknown field; \(example)")
        }
        let kinds = ["cron", "interval", "manual"].filter { body[$0] != nil }
        guard kinds.count == 1, let kind = kinds.first else {
            throw APIError.invalid(
                kinds.last ?? "body", kinds.isEmpty ? example : "give one of cron, interval and manual, not several")
        }
        if kind != "cron", body["timeZone"] != nil {
            throw APIError.invalid("timeZone", "only a cron schedule has a time zone; remove timeZone")
        }
        switch (kind, body[kind]) {
        case ("cron", .string(let text)?):
            let expression = text.trimmingCharacters(in: .whitespaces)
            guard !expression.isEmpty, expression.count <= 200 else {
                throw APIError.invalid("cron", "cron must be an expression such as \"*/5 * * * *\"")
            }
            var zone = defaultTimeZone
            switch body["timeZone"] {
            case nil, .null?: break
            case .string(let name)? where TimeZone(identifier: name) != nil: zone = name
            case .string(let name)?:
                throw APIError.invalid(
                    "timeZone", "\"\(name)\" is not a time zone; use an IANA name such as \"Europe/Berlin\" or \"UTC\"")
            default: throw APIError.invalid("timeZone", "timeZone must be a string such as \"UTC\"")
            }
            return (.cron(expression, timeZone: zone), "cron")
        case ("interval", let value?):
            let parsed: Duration? =
                switch value {
                case .string(let text): DurationText.parse(text)
                case .integer(let seconds): DurationText.seconds(Double(seconds))
                case .double(let seconds): DurationText.seconds(seconds)
                default: nil
                }
            guard let every = parsed else {
                throw APIError.invalid("interval", "\(value.canonicalText) is not \(DurationText.expected)")
            }
            guard every >= minimumInterval else {
                throw APIError.invalid(
                    "interval",
                    "\(value.canonicalText) is too short; use at least \(DurationText.format(minimumInterval))")
            }
            return (.interval(every), "interval")
        case ("manual", .bool(true)?):
            return (.manualOnly, "manual")
        case ("manual", _):
            throw APIError.invalid("manual", "manual must be true (to stop scheduled runs); \(example)")
        default:
            throw APIError.invalid(kind, "\(kind) must be a string; \(example)")
        }
    }
}
