import AgentCore
import Foundation

/// The content of one notification, built from an event and (for runs) the stored record, before it is
/// rendered in a webhook's format.
struct WebhookNotification: Sendable, Hashable {
    /// What the notification is about.
    enum Kind: String, Sendable, Hashable {
        /// A run failed, timed out or was abandoned (and no retry was scheduled, unless `everyRun`).
        case failure
        /// An agent was paused automatically.
        case autoPause
        /// A run ended otherwise (succeeded, no-op, cancelled), for `everyRun` webhooks.
        case run
        /// A service-level rule was broken.
        case slaBreach
        /// A scheduled fire is overdue.
        case fireOverdue
        /// A run waits for approval (rendered from ``WebhookNotification/approval``).
        case approval
        /// A pipeline candidate was paused automatically (repeated final failures on a stage, an inconclusive gate).
        case candidatePause
    }

    let kind: Kind
    let event: RunEvent
    let record: RunRecord?
    let retryScheduled: Bool
    /// For ``Kind/approval``: the request's Slack text and e-mail payload.
    var approval: ApprovalNotification? = nil

    /// The agent's name, or `?`.
    var agent: String { event.agentName?.rawValue ?? record?.agentName.rawValue ?? "?" }

    /// The run's status (from the record, else the event).
    var status: RunStatus? { record?.status ?? event.status }

    /// One short line: `nightly-docs failed`, `nightly-docs paused after 5 consecutive failures`.
    var title: String {
        switch kind {
        case .autoPause:
            let count = event.pause?.consecutiveFailures.map { " after \($0) consecutive failures" } ?? ""
            return "\(agent) paused\(count)"
        case .slaBreach:
            guard let breach = event.serviceLevelBreach else { return "\(agent) broke its service level" }
            switch breach.rule {
            case .maxDuration: return "\(agent) run still going past its maximum duration"
            case .mustSucceedBy: return "\(agent) had not succeeded by its deadline"
            }
        case .fireOverdue:
            return "\(agent) scheduled fire is overdue"
        case .approval:
            return approval?.slackText ?? "\(agent) awaits approval"
        case .candidatePause:
            return "pipeline candidate paused at a stage run by \(agent)"
        case .failure, .run:
            let verb: String =
                switch status {
                case .succeeded: "succeeded"
                case .noOp: "had nothing to do"
                case .timedOut: "timed out"
                case .cancelled: "was cancelled"
                case .abandoned: "was abandoned"
                case .failed: "failed"
                default: "ended \(status?.rawValue ?? "")"
                }
            return
                "\(agent) \(verb)\(retryScheduled ? " (attempt \(record?.attempt ?? event.attempt ?? 1); retry scheduled)" : "")"
        }
    }

    /// Whether the news is bad.
    var isBad: Bool { kind != .run || [.failed, .timedOut, .abandoned].contains(status) }

    /// The details below the title, one fact per line.
    var details: [String] {
        var lines: [String] = []
        if kind == .autoPause || kind == .candidatePause || kind == .slaBreach || kind == .fireOverdue {
            if let reason = event.message { lines.append(Self.clip(reason, 1000)) }
            return lines
        }
        var facts: [String] = []
        if let id = record?.id ?? event.runID { facts.append("run \(id)") }
        if let attempt = record?.attempt ?? event.attempt { facts.append("attempt \(attempt)") }
        if let trigger = record?.trigger { facts.append(trigger.kind) }
        if let duration = record?.duration { facts.append(String(format: "%.1f s", duration.timeInterval)) }
        if !facts.isEmpty { lines.append(facts.joined(separator: " · ")) }
        if let message = record?.errorMessage ?? (isBad ? event.message : nil) {
            let label = record?.errorClass.map { "error (\($0))" } ?? "error"
            lines.append("\(label): \(Self.clip(message, 1000))")
        } else if let summary = record?.summary ?? event.message {
            lines.append(Self.clip(summary, 1000))
        }
        if let tokens = record.flatMap(TokenUsageText.describe) { lines.append(tokens) }
        if let outputs = record?.outputsURI { lines.append("logs: \(outputs)") }
        return lines
    }

    /// The last lines of the record's log excerpt (at most 10, each clipped).
    var excerpt: [String] {
        (record?.logExcerpt.suffix(10) ?? []).map { Self.clip($0, 300) }
    }

    /// Title and details as one text.
    var text: String { ([title] + details).joined(separator: "\n") }

    /// The generic JSON payload (``WebhookFormat/json``).
    var payload: JSONValue {
        var object: [String: JSONValue] = [
            "version": 1, "notification": .string(kind.rawValue), "event": .string(event.kind.rawValue),
            "agent": .string(agent), "title": .string(title), "text": .string(text),
            "timestamp": .string(Timestamp.format(event.timestamp)),
        ]
        if kind == .autoPause || kind == .candidatePause {
            if let reason = event.message { object["reason"] = .string(reason) }
            if let count = event.pause?.consecutiveFailures {
                object["consecutiveFailures"] = .integer(Int64(count))
            }
            return .object(object)
        }
        if kind == .slaBreach || kind == .fireOverdue {
            if let message = event.message { object["message"] = .string(message) }
            if let runID = event.runID { object["runID"] = .string(runID.rawValue) }
            if let breach = event.serviceLevelBreach {
                object["rule"] = .string(breach.rule.rawValue)
                object["deadline"] = .string(Timestamp.format(breach.deadline))
                if let day = breach.day { object["day"] = .string(day) }
            }
            if let overdue = event.overdueFire {
                object["fire"] = .string(Timestamp.format(overdue.fire))
                object["overdueSince"] = .string(Timestamp.format(overdue.overdueSince))
            }
            return .object(object)
        }
        object["retryScheduled"] = .bool(retryScheduled)
        if let id = record?.id ?? event.runID { object["runID"] = .string(id.rawValue) }
        if let status { object["status"] = .string(status.rawValue) }
        if let attempt = record?.attempt ?? event.attempt { object["attempt"] = .integer(Int64(attempt)) }
        guard let record else {
            if let message = event.message { object["message"] = .string(message) }
            return .object(object)
        }
        object["trigger"] = .string(record.trigger.kind)
        object["idempotencyKey"] = .string(record.idempotencyKey.rawValue)
        object["queuedAt"] = .string(Timestamp.format(record.queuedAt))
        if let startedAt = record.startedAt { object["startedAt"] = .string(Timestamp.format(startedAt)) }
        if let endedAt = record.endedAt { object["endedAt"] = .string(Timestamp.format(endedAt)) }
        if let duration = record.duration { object["durationMs"] = .integer(Int64(duration.timeInterval * 1000)) }
        if let errorClass = record.errorClass { object["errorClass"] = .string(errorClass.rawValue) }
        if let message = record.errorMessage { object["errorMessage"] = .string(message) }
        if let summary = record.summary { object["summary"] = .string(summary) }
        if let outputs = record.outputsURI { object["outputsURI"] = .string(outputs) }
        if !record.counters.isEmpty { object["counters"] = .object(record.counters.mapValues { .integer($0) }) }
        object["logExcerpt"] = .array(excerpt.map { .string($0) })
        return .object(object)
    }

    static func clip(_ text: String, _ limit: Int) -> String {
        text.count > limit ? String(text.prefix(limit)) + "…" : text
    }
}
