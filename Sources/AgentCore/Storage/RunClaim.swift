/// The input of the atomic claim: the run to create, if no other run makes it a duplicate.
public struct RunClaim: Sendable, Hashable {
    /// The record to insert when the claim succeeds (normally `queued`). Its lease fields are set by
    /// the store from ``owner`` and ``leaseDuration`` on the store's clock.
    public var record: RunRecord
    /// Who claims: a process or scheduler identity.
    public var owner: String
    /// How long the claim's lease lasts unless renewed.
    public var leaseDuration: Duration
    /// Statuses of an existing run with the same agent and key that make this claim a duplicate
    /// (default: `succeeded` and `noOp`). A scheduled fire adds `skipped` so a skipped fire stays skipped.
    public var settledStatuses: Set<RunStatus>

    /// Creates a claim.
    /// - Parameters:
    ///   - record: The run to create.
    ///   - owner: Who claims.
    ///   - leaseDuration: How long the lease lasts unless renewed.
    ///   - settledStatuses: Statuses that make an existing run with the same key a reason not to run again.
    public init(
        record: RunRecord, owner: String, leaseDuration: Duration,
        settledStatuses: Set<RunStatus> = [.succeeded, .noOp]
    ) {
        self.record = record
        self.owner = owner
        self.leaseDuration = leaseDuration
        self.settledStatuses = settledStatuses
    }
}

/// The answer of the atomic claim.
public enum RunClaimOutcome: Sendable, Hashable {
    /// The run was created with a lease held by the claimant; go ahead.
    case claimed(RunRecord)
    /// A run with the same agent and key has already settled (succeeded, no-op, …); do not run.
    case duplicate(of: RunRecord)
    /// A run with the same agent and key is queued or running under a live lease; do not run.
    case inProgress(RunRecord)

    /// The record the outcome refers to.
    public var record: RunRecord {
        switch self {
        case .claimed(let record), .duplicate(let record), .inProgress(let record): record
        }
    }
}
