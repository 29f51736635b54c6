import AgentCore
import Foundation

extension RunLogDirectory {
    /// The text of `summary.txt`: the run at a glance, for people.
    /// - Parameter metadata: The run's metadata.
    /// - Returns: The text (not yet redacted).
    static func summaryText(for metadata: RunLogMetadata) -> String {
        let record = metadata.record
        var rows: [(String, String)] = [
            ("agent", record.agentName.rawValue),
            ("run", record.id.rawValue),
            ("status", record.status.rawValue + (record.errorClass.map { " (\($0))" } ?? "")),
            ("attempt", String(record.attempt)),
            ("trigger", String(describing: record.trigger)),
        ]
        if let startedAt = record.startedAt { rows.append(("started", Timestamp.format(startedAt))) }
        if let endedAt = record.endedAt { rows.append(("ended", Timestamp.format(endedAt))) }
        if let duration = record.duration { rows.append(("duration", Self.seconds(duration.timeInterval))) }
        if let process = metadata.process {
            rows.append(("command", process.command.map(Self.shellQuoted).joined(separator: " ")))
            if let directory = process.workingDirectory { rows.append(("directory", directory)) }
            if let pid = process.processID { rows.append(("pid", String(pid))) }
            rows.append(("process", process.endDescription))
            rows.append(("stdout", Self.describe(process.stdout)))
            rows.append(("stderr", Self.describe(process.stderr)))
            if let match = process.matchedPattern {
                rows.append(
                    ("pattern", "\"\(match.pattern)\" -> \(match.failureClass) on \(match.stream): \(match.line)"))
                if let hint = match.hint { rows.append(("hint", hint)) }
            }
        }
        if let message = record.errorMessage { rows.append(("error", message)) }
        if let summary = record.summary, summary != record.errorMessage { rows.append(("summary", summary)) }
        for warning in record.warnings { rows.append(("warning", warning)) }
        if let notifiedAt = record.notifiedAt { rows.append(("notified", Timestamp.format(notifiedAt))) }
        rows.append(
            (
                "record",
                metadata.recordIsFinal
                    ? "final (as stored)" : "provisional (written by the agent before the run was recorded)"
            ))
        let width = rows.map(\.0.count).max() ?? 0
        var text = rows.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }
            .joined(separator: "\n")
        if !record.logExcerpt.isEmpty {
            text += "\n\nlog excerpt:\n" + record.logExcerpt.map { "  " + $0 }.joined(separator: "\n")
        }
        return text + "\n"
    }

    private static func describe(_ output: SubprocessReport.Output) -> String {
        var text = "\(output.bytesReceived) bytes in \(output.file)"
        if output.truncated { text += " (truncated: \(output.bytesWritten) bytes kept)" }
        return text
    }

    static func seconds(_ value: Double) -> String {
        value < 10 ? String(format: "%.2f s", value) : String(format: "%.1f s", value)
    }

    /// Quotes an argument for display the way a POSIX shell would need it.
    static func shellQuoted(_ argument: String) -> String {
        let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%")
        if !argument.isEmpty, argument.allSatisfy({ safe.contains($0) }) { return argument }
        return "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
