import AgentCore
import AgentScheduling
import Foundation
import HTTPTypes
import Hummingbird

/// The approval endpoints: the list of approval requests, and approving or rejecting what a run proposed. The
/// decision itself is the library's (``AgentScheduling/ApprovalDesk``), one compare-and-set in the store, so two
/// people deciding at once (over the API, `agentctl approve` or both) get one decision.
struct ApprovalsController {
    let gateway: RunnerGateway
    /// The longest approver name and comment accepted.
    static let maximumApproverLength = 200
    static let maximumCommentLength = 2000

    /// Adds the routes under `/api/v1`.
    func register(on group: RouterGroup<ServerRequestContext>) {
        group.get("approvals", use: list)
        group.post("runs/:id/approve") { request, context in
            try await decide(request, context: context, verdict: .approve)
        }
        group.post("runs/:id/reject") { request, context in
            try await decide(request, context: context, verdict: .reject)
        }
    }

    /// `GET /approvals?state=pending&limit=N`: `{"items": [...]}`, oldest request first.
    @Sendable func list(_ request: Request, context: ServerRequestContext) async throws -> Response {
        try context.require(.read)
        let parameters = request.uri.queryParameters
        try parameters.requireOnly(["state", "limit"])
        var states: Set<ApprovalState>?
        for text in parameters.getAll("state") {
            let parsed: Set<ApprovalState> = try CommaSeparatedValues.parse(
                text, field: "state", kind: "an approval state")
            states = (states ?? []).union(parsed)
        }
        let limit = try parameters.limit(default: 100, maximum: 1000)
        let requests = try await workflowStore().approvals(in: states, limit: limit)
        return JSONBody.response(.object(["items": .array(try requests.map(JSONBody.datedValue))]))
    }

    /// `POST /runs/{id}/approve` and `POST /runs/{id}/reject` with `{"approver", "comment"}`: 200 with the outcome,
    /// the request as stored and the run afterwards.
    func decide(_ request: Request, context: ServerRequestContext, verdict: ApprovalVerdict) async throws -> Response {
        try context.require(.approve)
        let store = try workflowStore()
        let record = try await gateway.run(context.parameters.require("id"))
        let (approver, comment) = try Self.decision(try await JSONBody.object(request, context: context))
        guard try await store.approval(runID: record.id) != nil else {
            if record.status == .awaitingApproval {
                throw APIError(
                    .conflict, code: "approvalNotRecorded",
                    "run \(record.id) awaits approval but the runner has not recorded its approval request yet; "
                        + "retry in a second")
            }
            throw APIError(
                .conflict, code: "notAwaitingApproval",
                "run \(record.id) is \(record.status.rawValue), not awaitingApproval; only a run awaiting approval can "
                    + "be approved or rejected")
        }
        let result = try await ApprovalDesk(store: store).decide(
            runID: record.id, verdict: verdict, by: approver, comment: comment)
        let decided = result.request
        let state = decided.decision.map { "\($0.state.rawValue) by \($0.decidedBy)" } ?? decided.state.rawValue
        switch result.outcome {
        case .decided, .unchanged:
            break
        case .alreadyDecided:
            throw APIError(
                .conflict, code: "alreadyDecided",
                "run \(record.id) was already \(state); the decision stands", field: nil)
        case .expired:
            throw APIError(
                .conflict, code: "approvalExpired",
                "the approval of run \(record.id) expired at \(Timestamp.format(decided.deadline)); the run ended "
                    + "rejected. Trigger a new run to ask again")
        case .notAllowed:
            let who = decided.approvers.isEmpty ? "" : " (approvers: \(decided.approvers.joined(separator: ", ")))"
            throw APIError(
                .forbidden, code: "notAnApprover",
                "\(approver) may not decide run \(record.id)\(who)", field: "approver")
        }
        let run = try await store.run(id: record.id) ?? record
        return JSONBody.response(
            .object([
                "outcome": .string(result.outcome.rawValue), "approval": try JSONBody.datedValue(decided),
                "run": try JSONBody.value(run),
            ]))
    }

    /// Reads `{"approver": "...", "comment": "..."}`.
    /// - Throws: ``APIError`` 400 naming the field at fault.
    static func decision(_ body: [String: JSONValue]) throws(APIError) -> (approver: String, comment: String?) {
        for field in body.keys where field != "approver" && field != "comment" {
            throw APIError.invalid(field, "unknown field; the body may hold approver, comment")
        }
        guard case .string(let raw)? = body["approver"] else {
            throw APIError.invalid("approver", "say who decides: {\"approver\": \"alice\", \"comment\": \"LGTM\"}")
        }
        let approver = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !approver.isEmpty, approver.count <= maximumApproverLength else {
            throw APIError.invalid(
                "approver", "approver must be a name of 1 to \(maximumApproverLength) characters")
        }
        switch body["comment"] {
        case nil, .null?:
            return (approver, nil)
        case .string(let text)? where text.count <= maximumCommentLength:
            return (approver, text.isEmpty ? nil : text)
        default:
            throw APIError.invalid("comment", "comment must be a string of at most \(maximumCommentLength) characters")
        }
    }

    /// The runner's store as one that keeps approvals.
    private func workflowStore() throws(APIError) -> any WorkflowStore {
        guard let store = gateway.store as? any WorkflowStore else {
            throw APIError(
                .notImplemented, code: "approvalsUnsupported",
                "this server's store keeps no approval requests; use the JSON-file store or PostgreSQL")
        }
        return store
    }
}
