import AgentCore
import AgentScheduling
import Foundation

/// The health table of `health` and `demo`, and its JSON form (also served by `agent-server`).
public enum HealthFormatting {
    /// `ok`, `failing`, `paused`, `disabled` or `new` (no run yet).
    public static func state(_ agent: AgentHealth) -> String {
        if agent.isPaused { return "paused" }
        if isFailing(agent) { return "failing" }
        if !agent.isEnabled { return "disabled" }
        return agent.lastStatus == nil ? "new" : "ok"
    }

    /// Whether the agent's last run failed or it has a failure streak.
    static func isFailing(_ agent: AgentHealth) -> Bool {
        agent.consecutiveFailures > 0 || agent.lastStatus.map { AgentHealth.failureStatuses.contains($0) } ?? false
    }

    /// Whether `health` exits 1 because of this agent.
    static func needsAttention(_ agent: AgentHealth) -> Bool {
        agent.isPaused || isFailing(agent) || agent.isServiceLevelBreached
    }

    /// The service-level column: `-` without service levels, `ok`, or what is breached.
    static func serviceLevel(_ agent: AgentHealth) -> String {
        var breaches: [String] = []
        if let day = agent.missedMustSucceedBy, let time = agent.serviceLevel.mustSucceedBy {
            breaches.append("missed \(time) on \(day)")
        }
        if !agent.runsOverMaxDuration.isEmpty, let limit = agent.serviceLevel.maxDuration {
            breaches.append("\(agent.runsOverMaxDuration.count) over \(DurationText.format(limit))")
        }
        if let fire = agent.overdueFireAt { breaches.append("overdue since \(Timestamp.format(fire))") }
        if !breaches.isEmpty { return breaches.joined(separator: "; ") }
        return agent.serviceLevel == .none ? "-" : "ok"
    }

    /// One row per agent.
    static func table(_ agents: [AgentHealth], window: Duration) -> String {
        let windowText = DurationText.format(window)
        var table = TextTable([
            "AGENT", "STATE", "LAST", "STREAK", "RUNS \(windowText)", "OK %", "P50", "P95", "LAST SUCCESS",
            "NEXT FIRE", "SLA",
        ])
        for agent in agents {
            table.add([
                agent.name.rawValue, state(agent), agent.lastStatus?.rawValue ?? "-", String(agent.consecutiveFailures),
                String(agent.runsInWindow), agent.successRate.map { String(Int(($0 * 100).rounded())) } ?? "-",
                RunFormatting.duration(agent.p50Duration), RunFormatting.duration(agent.p95Duration),
                agent.lastSuccessAt.map(Timestamp.format) ?? "-", agent.nextFireAt.map(Timestamp.format) ?? "-",
                serviceLevel(agent),
            ])
        }
        let reasons = agents.filter(\.isPaused).map {
            "\($0.name) is paused: \($0.pausedReason ?? "no reason given")"
        }
        return ([table.render()] + reasons).joined(separator: "\n")
    }

    /// One agent as JSON: name, state, paused, streak, last status, success rate, p50/p95, next fire, service
    /// levels.
    /// - Parameter agent: The agent's health.
    /// - Returns: The JSON object.
    public static func json(_ agent: AgentHealth) -> JSONValue {
        var fields: [String: JSONValue] = [
            "name": .string(agent.name.rawValue), "state": .string(state(agent)), "enabled": .bool(agent.isEnabled),
            "paused": .bool(agent.isPaused), "consecutiveFailures": .integer(Int64(agent.consecutiveFailures)),
            "runsInWindow": .integer(Int64(agent.runsInWindow)),
            "successesInWindow": .integer(Int64(agent.successesInWindow)),
        ]
        func put(_ key: String, _ value: JSONValue?) { if let value { fields[key] = value } }
        put("pausedReason", agent.pausedReason.map(JSONValue.string))
        put("lastStatus", agent.lastStatus.map { .string($0.rawValue) })
        put("lastSuccessAt", agent.lastSuccessAt.map { .string(Timestamp.format($0)) })
        put("lastFailureAt", agent.lastFailureAt.map { .string(Timestamp.format($0)) })
        put("nextFireAt", agent.nextFireAt.map { .string(Timestamp.format($0)) })
        put("successRate", agent.successRate.map(JSONValue.double))
        put("p50Ms", agent.p50Duration.map { .integer(Int64(($0.timeInterval * 1000).rounded())) })
        put("p95Ms", agent.p95Duration.map { .integer(Int64(($0.timeInterval * 1000).rounded())) })
        put("maxDurationSeconds", agent.serviceLevel.maxDuration.map { .double($0.timeInterval) })
        put("mustSucceedBy", agent.serviceLevel.mustSucceedBy.map { .string($0.description) })
        put("missedMustSucceedBy", agent.missedMustSucceedBy.map(JSONValue.string))
        if !agent.runsOverMaxDuration.isEmpty {
            fields["runsOverMaxDuration"] = .array(agent.runsOverMaxDuration.map { .string($0.rawValue) })
        }
        put("overdueFireAt", agent.overdueFireAt.map { .string(Timestamp.format($0)) })
        fields["serviceLevelBreached"] = .bool(agent.isServiceLevelBreached)
        if !agent.tokenUsage.isEmpty { fields["tokens"] = .object(agent.tokenUsage.mapValues { .integer($0) }) }
        return .object(fields)
    }
}
