import AgentCore
import Foundation

/// Human-readable forms of records shared by the commands that print runs.
enum RunFormatting {
    /// `1.234s`, `250ms`, `2m05s`.
    static func duration(_ duration: Duration?) -> String {
        guard let duration else { return "-" }
        let seconds = duration.timeInterval
        if seconds < 1 { return "\(Int((seconds * 1000).rounded()))ms" }
        if seconds < 60 { return String(format: "%.3fs", seconds) }
        let whole = Int(seconds.rounded())
        return "\(whole / 60)m\(String(format: "%02d", whole % 60))s"
    }

    /// The record's most useful line: its error, else its summary.
    static func detail(_ record: RunRecord) -> String {
        if let message = record.errorMessage {
            // A failure pattern's hint goes first, so that a clipped column still says what to do.
            if let range = message.range(of: "; hint: ", options: .backwards) {
                return
                    "[\(record.errorClass?.rawValue ?? "error")] hint: \(message[range.upperBound...]) (\(message[..<range.lowerBound]))"
            }
            return "[\(record.errorClass?.rawValue ?? "error")] \(message)"
        }
        return record.summary ?? ""
    }

    /// A table of runs, newest first as given.
    static func table(_ records: [RunRecord]) -> String {
        var table = TextTable(["RUN ID", "AGENT", "TRIGGER", "ATTEMPT", "STATUS", "QUEUED", "DURATION", "DETAIL"])
        for record in records {
            table.add([
                record.id.rawValue, record.agentName.rawValue, record.trigger.kind, String(record.attempt),
                record.status.rawValue, Timestamp.format(record.queuedAt), duration(record.duration), detail(record),
            ])
        }
        return table.render()
    }

    /// Every field of a record, one per line, for `show` and `run`.
    /// - Parameters:
    ///   - record: The record.
    ///   - logDirectory: Where the run's log files are, if known.
    static func details(_ record: RunRecord, logDirectory: String? = nil) -> String {
        var lines: [(String, String)] = [
            ("run", record.id.rawValue), ("agent", record.agentName.rawValue), ("status", record.status.rawValue),
            ("trigger", record.trigger.description),
        ]
        lines.append(("attempt", String(record.attempt) + (record.firstRunID.map { " (first run \($0))" } ?? "")))
        lines.append(("queued", Timestamp.format(record.queuedAt)))
        if let startedAt = record.startedAt { lines.append(("started", Timestamp.format(startedAt))) }
        if let endedAt = record.endedAt {
            lines.append(("ended", Timestamp.format(endedAt) + "  (took \(duration(record.duration)))"))
        }
        if let message = record.errorMessage {
            lines.append(("error", "[\(record.errorClass?.rawValue ?? "error")] \(message)"))
        }
        if let summary = record.summary, summary != record.errorMessage { lines.append(("summary", summary)) }
        if record.parameters != .emptyObject { lines.append(("parameters", record.parameters.canonicalText)) }
        if let date = record.businessDate { lines.append(("business date", date.description)) }
        lines.append(("idempotency key", record.idempotencyKey.rawValue))
        lines.append(("correlation id", record.correlationID))
        if !record.counters.isEmpty {
            lines.append(
                (
                    "counters",
                    record.counters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                ))
        }
        for artifact in record.artifacts { lines.append(("artifact", "\(artifact.name): \(artifact.uri)")) }
        if let outputs = record.outputsURI { lines.append(("outputs", outputs)) }
        for warning in record.warnings { lines.append(("warning", warning)) }
        if let owner = record.leaseOwner, !record.status.isTerminal {
            lines.append(("lease", "\(owner) until \(record.leaseExpiresAt.map(Timestamp.format) ?? "-")"))
        }
        if let notified = record.notifiedAt { lines.append(("notified", Timestamp.format(notified))) }
        if let logDirectory { lines.append(("logs", logDirectory)) }
        let width = lines.map(\.0.count).max() ?? 0
        var text = lines.map { $0.0.padding(toLength: width + 2, withPad: " ", startingAt: 0) + $0.1 }
        if !record.logExcerpt.isEmpty {
            text.append("log excerpt:")
            text += record.logExcerpt.map { "  " + $0 }
        }
        return text.joined(separator: "\n")
    }

    /// A live runner as JSON: `{"id", "host", "pid", "role", "agents", "startedAt", "lastHeartbeatAt"}`.
    static func json(_ runner: RunnerPresence) -> JSONValue {
        .object([
            "id": .string(runner.id), "host": .string(runner.host), "pid": .integer(Int64(runner.processID)),
            "role": .string(runner.role), "agents": .array(runner.agents.map { .string($0.rawValue) }),
            "startedAt": .string(Timestamp.format(runner.startedAt)),
            "lastHeartbeatAt": .string(Timestamp.format(runner.lastHeartbeatAt)),
        ])
    }

    /// One line about the live runners: `runners: 2 live (agentctl serve on build-01 pid 4242, …)`.
    static func runnersLine(_ runners: [RunnerPresence], store: String) -> String {
        guard !runners.isEmpty else { return "runners: none live on this store (\(store))" }
        let list = runners.map { "\($0.role) on \($0.host) pid \($0.processID)" }
        return "runners: \(runners.count) live (\(list.joined(separator: ", ")))"
    }
}
