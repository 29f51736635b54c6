/// Where an approval request is. Only `pending` ever changes; the other states are final.
public enum ApprovalState: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// Waiting for a decision.
    case pending
    /// A person approved it: the run succeeded.
    case approved
    /// A person rejected it: the run ended ``RunStatus/rejected``.
    case rejected
    /// Nobody decided before the deadline: the run ended ``RunStatus/rejected``. An expired request never approves.
    case expired

    /// Whether the state is final.
    public var isDecided: Bool { self != .pending }

    /// The raw value.
    public var description: String { rawValue }
}

/// What a person answers to an approval request.
public enum ApprovalVerdict: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// Go ahead: the run succeeds.
    case approve
    /// Stop: the run ends rejected.
    case reject

    /// The state the verdict leads to.
    public var state: ApprovalState { self == .approve ? .approved : .rejected }

    /// The raw value.
    public var description: String { rawValue }
}
