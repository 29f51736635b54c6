import AgentCore
import AgentScheduling
import Foundation

/// One readable line per event: `12:00:03 greeter runSucceeded attempt 1: hello from build-01`.
enum ProgressLine {
    static func render(_ event: RunEvent) -> String {
        var parts = [event.timestamp.formatted(.iso8601.time(includingFractionalSeconds: false))]
        parts.append(event.agentName.map { "\($0)" } ?? "scheduler")
        parts.append(event.kind.description)
        if let attempt = event.attempt { parts.append("attempt \(attempt)") }
        if let progress = event.progress { parts.append("\(Int((progress * 100).rounded())) %") }
        var line = parts.joined(separator: " ")
        if let message = event.message, !message.isEmpty { line += ": " + message }
        return line
    }
}

/// The health snapshot as a small table.
enum HealthReport {
    static func render(_ health: SchedulerHealth) -> String {
        var lines = [
            "health at \(Timestamp.format(health.takenAt)): scheduler \(health.state), "
                + "\(health.runningCount) running, \(health.queueDepth) queued, \(health.waitingRetries) retries waiting"
        ]
        if let error = health.storeError { lines.append("  store error: \(error)") }
        for agent in health.agents {
            let rate = agent.successRate.map { "\(Int(($0 * 100).rounded())) %" } ?? "-"
            let next = agent.nextFireAt.map(Timestamp.format) ?? "-"
            let paused = agent.isPaused ? " PAUSED (\(agent.pausedReason ?? "no reason"))" : ""
            lines.append(
                "  \(agent.name): last \(agent.lastStatus?.description ?? "-"), \(agent.runsInWindow) runs, "
                    + "success \(rate), next \(next)\(paused)")
        }
        return lines.joined(separator: "\n")
    }
}

/// Writes a line to stdout unbuffered, so progress shows up at once in a log file or a pipe.
func writeLine(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
