import AgentCore

/// What is sent once when a run starts waiting for approval: a Slack message and an e-mail payload, in the shapes
/// of the nightly orchestration that plans replace.
///
/// Slack: `{"text": "Task seo.validate awaiting approval: https://github.com/user/repo/pull/123"}`.
/// E-mail: `{"run_id": "nightly-2025-01-15", "task": "seo.validate", "status": "awaiting_approval",
/// "outputs_uri": "…", "log_excerpt": "…"}`; `run_id` is the plan run for a plan task, otherwise the run.
public struct ApprovalNotification: Sendable, Hashable {
    /// The request the notification is about.
    public let request: ApprovalRequest

    /// Creates the notification of a request.
    /// - Parameter request: The request.
    public init(request: ApprovalRequest) { self.request = request }

    /// `Task seo.validate awaiting approval: https://github.com/user/repo/pull/123`.
    public var slackText: String {
        "Task \(request.taskName) awaiting approval: \(request.outputsURI ?? "(no outputs URI)")"
    }

    /// The Slack message body: `{"text": …}`.
    public var slackPayload: JSONValue { .object(["text": .string(slackText)]) }

    /// The e-mail webhook body.
    public var emailPayload: JSONValue {
        .object([
            "run_id": .string(request.planRunID ?? request.runID.rawValue),
            "task": .string(request.taskName),
            "status": .string("awaiting_approval"),
            "outputs_uri": request.outputsURI.map(JSONValue.string) ?? .null,
            "log_excerpt": .string(request.logExcerpt.joined(separator: "\n")),
        ])
    }
}
