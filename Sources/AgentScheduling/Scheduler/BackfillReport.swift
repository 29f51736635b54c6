import AgentCore

/// What a backfill did, date by date, in order.
public struct BackfillReport: Sendable, Hashable {
    /// One business date of the range.
    public struct Entry: Sendable, Hashable {
        /// The date.
        public var date: BusinessDate
        /// The last attempt's execution (``RunExecution/Disposition/duplicate`` when the date had already
        /// succeeded), or `nil` when it never started (the scheduler shut down or the agent was removed).
        public var execution: RunExecution?

        /// Creates an entry.
        /// - Parameters:
        ///   - date: The date.
        ///   - execution: The last attempt's execution, if the date started.
        public init(date: BusinessDate, execution: RunExecution?) {
            self.date = date
            self.execution = execution
        }
    }

    /// The agent.
    public var agentName: AgentName
    /// Every date of the range, oldest first.
    public var entries: [Entry]

    /// Creates a report.
    /// - Parameters:
    ///   - agentName: The agent.
    ///   - entries: Every date of the range, oldest first.
    public init(agentName: AgentName, entries: [Entry]) {
        self.agentName = agentName
        self.entries = entries
    }

    /// Dates whose work is done: they succeeded (or found nothing to do) now or before.
    public var succeededCount: Int { entries.filter { $0.execution?.record.status.isSuccess == true }.count }
    /// Dates that started and did not succeed.
    public var failedCount: Int {
        entries.filter { entry in entry.execution.map { !$0.record.status.isSuccess } ?? false }.count
    }
    /// Dates that never started.
    public var notStartedCount: Int { entries.filter { $0.execution == nil }.count }
}
