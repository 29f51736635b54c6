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
}
