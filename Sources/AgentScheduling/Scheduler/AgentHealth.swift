import AgentCore
import Foundation

/// One agent's health, as computed from its run records and schedule state.
public struct AgentHealth: Sendable, Hashable {
    /// The agent.
    public var name: AgentName
    /// Whether it runs on its schedule.
    public var isEnabled: Bool
    /// Whether it is paused.
    public var isPaused: Bool
    /// Why it is paused.
    public var pausedReason: String?
    /// Its next fire, if it is scheduled.
    public var nextFireAt: Date?
    /// Failed runs in a row (a run and its retries count once).
    public var consecutiveFailures: Int
    /// The status of its newest record.
    public var lastStatus: RunStatus?
    /// When its newest successful run ended.
    public var lastSuccessAt: Date?
    /// When its newest failed, timed-out or abandoned run ended.
    public var lastFailureAt: Date?
    /// Runs that ended in the window (every terminal status except `skipped`).
    public var runsInWindow: Int
    /// Of those, the ones that succeeded or found nothing to do.
    public var successesInWindow: Int
    /// `successesInWindow / runsInWindow`, or `nil` without runs.
    public var successRate: Double?
    /// The median duration of the runs in the window (nearest rank).
    public var p50Duration: Duration?
    /// The 95th-percentile duration of the runs in the window (nearest rank).
    public var p95Duration: Duration?
    /// The agent's service levels (`maxDuration`, `mustSucceedBy`).
    public var serviceLevel: ServiceLevel = .none
    /// The local day (`YYYY-MM-DD`) whose `mustSucceedBy` deadline passed without a successful run, when the latest
    /// deadline was missed.
    public var missedMustSucceedBy: String?
    /// Runs still running past `maxDuration`.
    public var runsOverMaxDuration: [RunID] = []
    /// The nominal time of a fire due longer than the overdue grace period ago that has not been handled (all
    /// runners down or stuck).
    public var overdueFireAt: Date?
    /// The token usage of the runs in the window, summed (`inputTokens`, `outputTokens`, `totalTokens`,
    /// `costMicroUSD`; only those the runs reported).
    public var tokenUsage: [String: Int64] = [:]

    /// Whether a service level is breached now, or a fire is overdue.
    public var isServiceLevelBreached: Bool {
        missedMustSucceedBy != nil || !runsOverMaxDuration.isEmpty || overdueFireAt != nil
    }

    /// Statuses that count as a failure for ``lastFailureAt``.
    public static let failureStatuses: Set<RunStatus> = [.failed, .timedOut, .abandoned]

    /// Creates a health entry with the schedule facts and empty run statistics; see ``summarize(_:)``.
    /// - Parameters:
    ///   - name: The agent.
    ///   - isEnabled: Whether it runs on its schedule.
    ///   - isPaused: Whether it is paused.
    ///   - pausedReason: Why.
    ///   - nextFireAt: Its next fire.
    ///   - consecutiveFailures: Its failure streak.
    public init(
        name: AgentName, isEnabled: Bool, isPaused: Bool, pausedReason: String?, nextFireAt: Date?,
        consecutiveFailures: Int
    ) {
        self.name = name
        self.isEnabled = isEnabled
        self.isPaused = isPaused
        self.pausedReason = pausedReason
        self.nextFireAt = nextFireAt
        self.consecutiveFailures = consecutiveFailures
        self.runsInWindow = 0
        self.successesInWindow = 0
    }

    /// Fills the window statistics (run count, success rate, p50 and p95 duration) from the window's records.
    /// - Parameter records: The agent's records queued within the window.
    public mutating func summarize(_ records: [RunRecord]) {
        // A rejection is a person's decision, not an agent failure: it counts neither way.
        let runs = records.filter { $0.status.isTerminal && $0.status != .skipped && $0.status != .rejected }
        runsInWindow = runs.count
        successesInWindow = runs.filter(\.status.isSuccess).count
        successRate = runs.isEmpty ? nil : Double(successesInWindow) / Double(runs.count)
        let durations = runs.compactMap(\.duration).sorted()
        p50Duration = Self.percentile(durations, 0.50)
        p95Duration = Self.percentile(durations, 0.95)
    }

    /// The nearest-rank percentile of sorted values.
    /// - Parameters:
    ///   - sorted: Values in ascending order.
    ///   - fraction: The percentile as a fraction (0.95 for p95).
    /// - Returns: The value, or `nil` for no values.
    static func percentile(_ sorted: [Duration], _ fraction: Double) -> Duration? {
        guard !sorted.isEmpty else { return nil }
        let rank = Int((Double(sorted.count) * fraction).rounded(.up))
        return sorted[min(sorted.count, max(1, rank)) - 1]
    }
}
