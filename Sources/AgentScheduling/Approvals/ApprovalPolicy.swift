import AgentCore

/// How a run that ends awaiting approval is decided: how long people have, and who may decide.
public struct ApprovalPolicy: Sendable, Hashable {
    /// How long after the request a decision is accepted (default 72 hours).
    public var timeout: Duration
    /// Who may decide; empty means anyone.
    public var approvers: [String]
    /// Whether the requester (the agent's owner, when known) may not decide its own request.
    public var preventSelfApproval: Bool

    /// Creates a policy.
    /// - Parameters:
    ///   - timeout: The time to decide (default ``AgentCore/ApprovalRequest/defaultTimeout``, 72 hours).
    ///   - approvers: Who may decide (empty: anyone).
    ///   - preventSelfApproval: Whether the requester may not decide.
    public init(
        timeout: Duration = ApprovalRequest.defaultTimeout, approvers: [String] = [], preventSelfApproval: Bool = false
    ) {
        self.timeout = timeout
        self.approvers = approvers
        self.preventSelfApproval = preventSelfApproval
    }

    /// 72 hours, anyone may decide.
    public static let `default` = ApprovalPolicy()
}
