import Foundation

/// Which finished runs a store may remove (the JSON-file store when it compacts, a database store in its retention
/// job). Queued, running and awaiting-approval runs are never removed.
///
/// Removing a run also forgets its idempotency key: a claim with the same key after the run was
/// removed runs again. Choose a window longer than any retry or backfill horizon.
public struct RunRetention: Sendable, Hashable, CustomStringConvertible {
    /// Runs queued longer ago than this are removed.
    public var maximumAge: Duration?
    /// Per agent, runs older than the newest this many are removed.
    public var maximumRunsPerAgent: Int?

    /// Creates a policy; a run is kept only while it satisfies every limit given.
    /// - Parameters:
    ///   - maximumAge: Remove runs queued longer ago than this.
    ///   - maximumRunsPerAgent: Keep at most this many runs per agent (the newest).
    public init(maximumAge: Duration? = nil, maximumRunsPerAgent: Int? = nil) {
        self.maximumAge = maximumAge
        self.maximumRunsPerAgent = maximumRunsPerAgent.map { max(0, $0) }
    }

    /// Keep every run (the default).
    public static let keepEverything = RunRetention()

    /// Keep the runs of the last `count` days.
    /// - Parameter count: Days.
    /// - Returns: The policy.
    public static func days(_ count: Int) -> RunRetention { RunRetention(maximumAge: .seconds(max(0, count) * 86_400)) }

    /// Keep the newest `count` runs of each agent.
    /// - Parameter count: Runs per agent.
    /// - Returns: The policy.
    public static func runsPerAgent(_ count: Int) -> RunRetention { RunRetention(maximumRunsPerAgent: count) }

    /// This policy with a per-agent limit added.
    /// - Parameter count: Runs per agent.
    /// - Returns: The combined policy.
    public func keepingAtMost(_ count: Int) -> RunRetention {
        RunRetention(maximumAge: maximumAge, maximumRunsPerAgent: count)
    }

    /// `keep everything`, `keep 30 days`, `keep 30 days and 1000 runs per agent`.
    public var description: String {
        var parts: [String] = []
        if let maximumAge {
            let seconds = maximumAge.components.seconds
            parts.append(seconds % 86_400 == 0 ? "\(seconds / 86_400) days" : "\(seconds) seconds")
        }
        if let maximumRunsPerAgent { parts.append("\(maximumRunsPerAgent) runs per agent") }
        return parts.isEmpty ? "keep everything" : "keep " + parts.joined(separator: " and ")
    }
}
