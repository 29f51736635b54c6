import AgentCore
import Foundation
import PostgresNIO

/// A change-feed entry as JSON in `changes.body`: `{"kind": "scheduleState", "state": {…}}`,
/// `{"kind": "scheduleStateRemoved", "agent": "…"}`, `{"kind": "request", "request": {…}}` or
/// `{"kind": "runEnded", "id": "…", "agent": "…", "status": "…"}`, `{"kind": "planRun", "planRun": {…}}` or
/// `{"kind": "approval", "approval": {…}}` or `{"kind": "candidate", "candidate": {…}}`.
struct ChangeBody: Codable {
    var kind: String
    var state: ScheduleState?
    var agent: AgentName?
    var request: ControlRequest?
    var id: RunID?
    var status: RunStatus?
    var planRun: PlanRun?
    var approval: ApprovalRequest?
    var candidate: Candidate?

    /// The JSON of a change.
    /// - Parameter kind: The change.
    /// - Returns: Its JSON text.
    /// - Throws: `EncodingError` (not expected).
    static func json(_ kind: StoreChange.Kind) throws -> String {
        var body = ChangeBody(kind: "")
        switch kind {
        case .scheduleState(let state):
            body.kind = "scheduleState"
            body.state = state
        case .scheduleStateRemoved(let agent):
            body.kind = "scheduleStateRemoved"
            body.agent = agent
        case .request(let request):
            body.kind = "request"
            body.request = request
        case .runEnded(let id, let agent, let status):
            body.kind = "runEnded"
            body.id = id
            body.agent = agent
            body.status = status
        case .planRun(let run):
            body.kind = "planRun"
            body.planRun = run
        case .approval(let request):
            body.kind = "approval"
            body.approval = request
        case .candidate(let candidate):
            body.kind = "candidate"
            body.candidate = candidate
        }
        return String(decoding: try JSONEncoder().encode(body), as: UTF8.self)
    }

    /// The change a stored JSON text describes.
    /// - Parameters:
    ///   - text: The JSON.
    ///   - sequence: Its position in the feed, for messages.
    /// - Returns: The change.
    /// - Throws: ``StoreError`` with ``StoreError/Code/corruptData`` for JSON that is not a change.
    static func kind(from text: String, sequence: UInt64) throws -> StoreChange.Kind {
        let body: ChangeBody
        do {
            body = try JSONDecoder().decode(ChangeBody.self, from: Data(text.utf8))
        } catch {
            throw StoreError(.corruptData, "change \(sequence) of the feed cannot be read: \(error)")
        }
        switch body.kind {
        case "scheduleState": if let state = body.state { return .scheduleState(state) }
        case "scheduleStateRemoved": if let agent = body.agent { return .scheduleStateRemoved(agent) }
        case "request": if let request = body.request { return .request(request) }
        case "runEnded":
            if let id = body.id, let agent = body.agent, let status = body.status {
                return .runEnded(id: id, agent: agent, status: status)
            }
        case "planRun": if let run = body.planRun { return .planRun(run) }
        case "approval": if let request = body.approval { return .approval(request) }
        case "candidate": if let candidate = body.candidate { return .candidate(candidate) }
        default: break
        }
        throw StoreError(.corruptData, "change \(sequence) of the feed is an unknown or incomplete \"\(body.kind)\"")
    }
}
