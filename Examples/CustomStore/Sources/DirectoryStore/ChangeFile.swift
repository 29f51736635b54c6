import AgentCore
import Foundation

/// What a file in `changes/` holds: one ``StoreChange`` (which is not `Codable` itself), as optional fields of
/// which exactly one is set.
struct ChangeFile: Codable {
    /// A run that ended.
    struct EndedRun: Codable {
        var id: RunID
        var agent: AgentName
        var status: RunStatus
    }

    var sequence: UInt64
    var schedule: ScheduleState?
    var removedSchedule: AgentName?
    var request: ControlRequest?
    var endedRun: EndedRun?
    var planRun: PlanRun?
    var approval: ApprovalRequest?
    var candidate: Candidate?

    /// The file of a change.
    init(_ change: StoreChange) {
        sequence = change.sequence
        switch change.kind {
        case .scheduleState(let state): schedule = state
        case .scheduleStateRemoved(let agent): removedSchedule = agent
        case .request(let request): self.request = request
        case .runEnded(let id, let agent, let status): endedRun = EndedRun(id: id, agent: agent, status: status)
        case .planRun(let run): planRun = run
        case .approval(let request): approval = request
        case .candidate(let value): candidate = value
        }
    }

    /// The change the file holds, or `nil` when it holds none (a damaged file).
    var change: StoreChange? {
        let kind: StoreChange.Kind
        if let schedule {
            kind = .scheduleState(schedule)
        } else if let removedSchedule {
            kind = .scheduleStateRemoved(removedSchedule)
        } else if let request {
            kind = .request(request)
        } else if let endedRun {
            kind = .runEnded(id: endedRun.id, agent: endedRun.agent, status: endedRun.status)
        } else if let planRun {
            kind = .planRun(planRun)
        } else if let approval {
            kind = .approval(approval)
        } else if let candidate {
            kind = .candidate(candidate)
        } else {
            return nil
        }
        return StoreChange(sequence: sequence, kind: kind)
    }
}
