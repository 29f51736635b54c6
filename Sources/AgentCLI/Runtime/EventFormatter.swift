import AgentCore
import Foundation

/// One line per lifecycle event, for `serve` and `demo`: aligned text for people, or the event's JSON line.
struct EventFormatter: Sendable {
    /// Whether lines are JSON (``RunEvent/jsonLine``) rather than text.
    var json: Bool
    /// Whether agent log lines and progress are printed too (they are not lifecycle events).
    var verbose: Bool

    /// The width of the event column: the longest kind, `schedulerStateChanged`.
    static let kindWidth = 21

    /// The kinds that are printed unless ``verbose``: everything but log lines and progress.
    static func isLifecycle(_ kind: RunEvent.Kind) -> Bool {
        kind != .runLog && kind != .runProgress
    }

    /// The line for an event, or `nil` when it is not printed.
    func line(for event: RunEvent) -> String? {
        guard verbose || Self.isLifecycle(event.kind) else { return nil }
        if json { return event.jsonLine }
        var parts = [
            Timestamp.format(event.timestamp),
            event.kind.rawValue.padding(toLength: Self.kindWidth, withPad: " ", startingAt: 0),
            (event.agentName?.rawValue ?? "-").padding(toLength: 16, withPad: " ", startingAt: 0),
        ]
        if let runID = event.runID { parts.append(runID.rawValue) }
        var detail: [String] = []
        if let attempt = event.attempt, attempt > 1 { detail.append("attempt \(attempt)") }
        if let status = event.status, event.kind != .runQueued, event.kind != .runStarted {
            detail.append(status.rawValue)
        }
        if let toolCall = event.toolCall { detail.append(Self.describe(toolCall)) }
        if let message = event.message, !message.isEmpty { detail.append(message) }
        if let failure = event.failure, !failure.isFinal { detail.append("(a retry follows)") }
        if !detail.isEmpty { parts.append(detail.joined(separator: "  ")) }
        return parts.joined(separator: " ")
    }

    /// `shell swift build: failed in 1.2 s`.
    static func describe(_ toolCall: ToolCallDetails) -> String {
        var text = toolCall.name
        if let input = toolCall.inputSummary, !input.isEmpty { text += " \(input)" }
        text += ": \(toolCall.outcome)"
        if let duration = toolCall.duration {
            text +=
                " in "
                + String(
                    format: "%.1f s",
                    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
        }
        return text
    }

    /// A line of agentctl's own (start, signal, stop) in the same style: JSON lines carry `event` and `ts` too.
    func note(_ event: String, _ message: String, fields: [String: JSONValue] = [:], at date: Date = Date()) -> String {
        if json {
            var object = fields
            object["event"] = .string(event)
            object["ts"] = .string(Timestamp.format(date))
            object["message"] = .string(message)
            return JSONValue.object(object).canonicalText
        }
        return
            "\(Timestamp.format(date)) \(event.padding(toLength: Self.kindWidth, withPad: " ", startingAt: 0)) \(message)"
    }
}
