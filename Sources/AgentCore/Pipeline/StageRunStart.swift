/// The answer of ``CandidateStore/startStageRun(candidateID:stage:runID:)``.
public enum StageRunStart: Sendable, Hashable {
    /// This call made the run the candidate's active stage run.
    case started(Candidate)
    /// The run already was the active stage run (a duplicate submission): start nothing new.
    case alreadyActive(Candidate)
    /// Refused: another run is active, the candidate is paused or final, or it is at another stage.
    case refused(Candidate, reason: String)

    /// The candidate as stored.
    public var candidate: Candidate {
        switch self {
        case .started(let candidate), .alreadyActive(let candidate), .refused(let candidate, _): candidate
        }
    }
}
