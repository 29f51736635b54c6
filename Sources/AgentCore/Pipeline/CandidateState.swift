import Foundation

/// Where a pipeline candidate is at its current stage.
///
/// `ready → running → gating → ready(next)` by a promotion, or back to `ready` with one more failure;
/// `awaitingApproval` when the stage asks people; `paused` until a named person resumes it; `completed` and
/// `abandoned` are final.
public enum CandidateState: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Waiting for its next stage run.
    case ready
    /// A stage run is active (``Candidate/activeRunID``).
    case running
    /// The stage run succeeded; its gate is being evaluated.
    case gating
    /// The gate passed; the stage's approval is pending.
    case awaitingApproval
    /// Stopped for people to look at: nothing starts until a named person resumes it.
    case paused(PauseRecord)
    /// Promoted past its last stage.
    case completed
    /// Given up; nothing more happens.
    case abandoned

    /// Whether the state is final (`completed` or `abandoned`).
    public var isFinal: Bool {
        switch self {
        case .completed, .abandoned: true
        default: false
        }
    }

    /// The pause, when paused.
    public var pause: PauseRecord? {
        if case .paused(let pause) = self { return pause }
        return nil
    }

    /// The state's name: `ready`, `running`, `gating`, `awaitingApproval`, `paused`, `completed`, `abandoned`.
    public var name: String {
        switch self {
        case .ready: "ready"
        case .running: "running"
        case .gating: "gating"
        case .awaitingApproval: "awaitingApproval"
        case .paused: "paused"
        case .completed: "completed"
        case .abandoned: "abandoned"
        }
    }

    /// The name, with who paused it and why for a pause.
    public var description: String {
        guard let pause else { return name }
        return "paused by \(pause.by): \(pause.reason)"
    }
}
