/// How an agent's runs are executed: time limit, priority, overlap, retries, misfires and auto-pause.
public struct RunPolicy: Sendable, Hashable, Codable {
    /// The longest a run may take before it is cancelled and recorded `timedOut` (default 15 minutes).
    public var timeout: Duration
    /// How long a cancelled or timed-out agent gets to return before the run is recorded anyway
    /// (default 10 s).
    public var cancellationGracePeriod: Duration
    /// Dispatch order when runs wait for a free slot (default ``RunPriority/normal``).
    public var priority: RunPriority
    /// What happens when a run is due while another run of the agent is active (default ``OverlapPolicy/skip``).
    public var overlap: OverlapPolicy
    /// How failures are retried.
    public var retry: RetryPolicy
    /// What happens to fires missed while nothing ran.
    public var misfire: MisfirePolicy
    /// Pause the agent after this many consecutive failed runs (`nil` never pauses; default 5).
    public var autoPauseAfterConsecutiveFailures: Int?
    /// How long a run's lease lasts between renewals (default 30 s); it is renewed at a third of that.
    public var leaseDuration: Duration
    /// Service-level warnings: a run over `maxDuration`, no success by `mustSucceedBy` (default ``ServiceLevel/none``).
    public var serviceLevel: ServiceLevel

    /// Creates a policy; every argument has the documented default.
    /// - Parameters:
    ///   - timeout: The longest a run may take.
    ///   - cancellationGracePeriod: How long a cancelled agent gets to return.
    ///   - priority: Dispatch order.
    ///   - overlap: Behaviour when a run is already active.
    ///   - retry: How failures are retried.
    ///   - misfire: What happens to missed fires.
    ///   - autoPauseAfterConsecutiveFailures: The failure streak that pauses the agent.
    ///   - leaseDuration: How long a lease lasts between renewals.
    ///   - serviceLevel: Service-level warnings.
    public init(
        timeout: Duration = .seconds(900), cancellationGracePeriod: Duration = .seconds(10),
        priority: RunPriority = .normal, overlap: OverlapPolicy = .skip, retry: RetryPolicy = RetryPolicy(),
        misfire: MisfirePolicy = .default, autoPauseAfterConsecutiveFailures: Int? = 5,
        leaseDuration: Duration = .seconds(30), serviceLevel: ServiceLevel = .none
    ) {
        self.timeout = max(.milliseconds(1), timeout)
        self.cancellationGracePeriod = max(.zero, cancellationGracePeriod)
        self.priority = priority
        self.overlap = overlap
        self.retry = retry
        self.misfire = misfire
        self.autoPauseAfterConsecutiveFailures = autoPauseAfterConsecutiveFailures.map { max(1, $0) }
        self.leaseDuration = max(.milliseconds(30), leaseDuration)
        self.serviceLevel = serviceLevel
    }

    /// The defaults.
    public static let `default` = RunPolicy()
}
