import AgentCore

/// What can end a run while the orchestrator waits: the agent returned, the deadline passed, the caller
/// cancelled, the lease was lost, or the grace period after a cancellation ran out. They arrive on a
/// ``SignalQueue`` in the order they happen.
enum RunSignal: Sendable {
    case finished(Result<AgentRunResult, any Error>)
    case deadlineReached
    case cancelledByCaller
    /// Someone asked to cancel this run (``Orchestrator/cancelRun(_:reason:)``), with why.
    case cancelRequested(String)
    case leaseLost(String)
    case graceExpired
}
