import AgentCore
import Foundation

/// Token usage in words, for notifications and listings: `tokens: 1200 in · 340 out · 1540 total · $0.0123`.
public enum TokenUsageText {
    /// Describes the token counters of a record.
    /// - Parameter record: The record.
    /// - Returns: The line, or `nil` when the record has no token counters.
    public static func describe(_ record: RunRecord) -> String? {
        describe(record.counters)
    }

    /// Describes token counters (`inputTokens`, `outputTokens`, `totalTokens`, `costMicroUSD`).
    /// - Parameter counters: The counters.
    /// - Returns: The line, or `nil` when there are none.
    public static func describe(_ counters: [String: Int64]) -> String? {
        var parts: [String] = []
        if let input = counters["inputTokens"] { parts.append("\(input) in") }
        if let output = counters["outputTokens"] { parts.append("\(output) out") }
        if let total = counters["totalTokens"] { parts.append("\(total) total") }
        if let cost = counters["costMicroUSD"] { parts.append(String(format: "$%.4f", Double(cost) / 1_000_000)) }
        return parts.isEmpty ? nil : "tokens: " + parts.joined(separator: " · ")
    }

    /// The sums of the token counters over records (only counters that appear).
    /// - Parameter records: The records.
    /// - Returns: `inputTokens`, `outputTokens`, `totalTokens`, `costMicroUSD` summed.
    public static func sums(_ records: [RunRecord]) -> [String: Int64] {
        var sums: [String: Int64] = [:]
        for record in records {
            for name in TokenUsageRule.counterNames {
                if let value = record.counters[name] { sums[name, default: 0] += value }
            }
        }
        return sums
    }
}
