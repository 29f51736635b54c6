import Foundation

/// The decision on an approval request: approved, rejected or expired, by whom, when, and why.
public struct ApprovalDecision: Sendable, Hashable, Codable {
    /// The final state (`approved`, `rejected` or `expired`).
    public var state: ApprovalState
    /// Who decided (``ApprovalRequest/systemDecider`` for an expiry).
    public var decidedBy: String
    /// When, on the store's clock.
    public var decidedAt: Date
    /// The decider's comment.
    public var comment: String?

    /// Creates a decision.
    /// - Parameters:
    ///   - state: The final state.
    ///   - decidedBy: Who decided.
    ///   - decidedAt: When.
    ///   - comment: Why.
    public init(state: ApprovalState, decidedBy: String, decidedAt: Date, comment: String? = nil) {
        self.state = state
        self.decidedBy = decidedBy
        self.decidedAt = decidedAt
        self.comment = comment
    }
}
