import AgentCore
import Foundation

/// Something the scheduler must do at a time: collect an agent's due fires, or queue a retry.
///
/// The timer heap holds exactly one `fire` timer per agent that is scheduled (enabled, not paused, with a next
/// fire) and one `retry` timer per waiting retry, so its earliest deadline is when the scheduler next wakes.
struct SchedulerTimer: Sendable, Comparable {
    /// What to do.
    enum Kind: Sendable, Hashable {
        /// Collect the agent's due fires.
        case fire(AgentName)
        /// Queue the retry with this sequence number.
        case retry(UInt64)
    }

    /// When.
    let deadline: Date
    /// Orders timers with the same deadline by creation.
    let sequence: UInt64
    /// What.
    let kind: Kind

    static func < (lhs: SchedulerTimer, rhs: SchedulerTimer) -> Bool {
        lhs.deadline != rhs.deadline ? lhs.deadline < rhs.deadline : lhs.sequence < rhs.sequence
    }

    static func == (lhs: SchedulerTimer, rhs: SchedulerTimer) -> Bool { lhs.sequence == rhs.sequence }
}
