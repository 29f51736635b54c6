import AgentCore

/// What one ``PipelineCoordinator/advance(candidateID:)`` did.
public enum StageStep: Sendable, Hashable {
    /// The stage run succeeded, its gate passed and the candidate was promoted (to its next stage, or completed).
    case promoted(Promotion, Candidate)
    /// The stage run or its gate failed finally: one failure counted; the candidate is ready to retry the stage.
    case failed(Candidate, reason: String)
    /// The candidate was paused (by this step or before): nothing runs until a named person resumes it.
    case paused(Candidate)
    /// Nothing ran: another stage run is active, the candidate is final, or the promotion was refused; the reason
    /// says which.
    case refused(Candidate, reason: String)
}
