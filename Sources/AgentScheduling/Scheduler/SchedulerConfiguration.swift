import AgentCore
import Foundation

/// How an ``AgentScheduler`` behaves as a whole; each agent's own behaviour is in its ``RunPolicy``.
///
/// ```swift
/// var configuration = SchedulerConfiguration()
/// configuration.maximumConcurrentRuns = 8
/// configuration.random = SeededRandomNumberGenerator(seed: 7)   // reproducible retry jitter
/// ```
public struct SchedulerConfiguration: Sendable {
    /// The most runs executing at once, across all agents (default 5). Never exceeded, not even for an instant.
    public var maximumConcurrentRuns: Int {
        didSet { maximumConcurrentRuns = max(1, maximumConcurrentRuns) }
    }
    /// How late a fire may be handled and still count as on time (default 60 s). Fires found later than this
    /// (after downtime, a paused scheduler or agent, or a store outage) go through the agent's ``MisfirePolicy``.
    public var misfireThreshold: Duration
    /// On shutdown, how long running runs may finish before they are cancelled (default 30 s).
    public var shutdownGracePeriod: Duration
    /// The most `skipped` records written for one agent's missed fires at a time (default 100, the most recent);
    /// older missed fires are counted in the ``RunEvent/Kind/scheduleMissed`` event only.
    public var maximumMissedFireRecords: Int {
        didSet { maximumMissedFireRecords = max(0, maximumMissedFireRecords) }
    }
    /// The most fires of one agent waiting behind its active run under ``OverlapPolicy/queue`` (default 100);
    /// further fires are recorded `skipped`.
    public var maximumQueuedRunsPerAgent: Int {
        didSet { maximumQueuedRunsPerAgent = max(1, maximumQueuedRunsPerAgent) }
    }
    /// The most business dates one backfill may cover (default 3,660, ten years of days).
    public var maximumBackfillDates: Int {
        didSet { maximumBackfillDates = max(1, maximumBackfillDates) }
    }
    /// The backoff between attempts to reach a failing store (default 1 s doubling to 60 s, 20 % jitter);
    /// its retry count is ignored: the scheduler keeps trying until the store answers.
    public var storeRetry: RetryPolicy
    /// The random source of retry jitter; seed it (``SeededRandomNumberGenerator``) for reproducible delays.
    public var random: any RandomNumberGenerator & Sendable
    /// The identity that holds run leases; `nil` uses ``Orchestrator/defaultOwner()``.
    public var owner: String?
    /// The generator of run ids (inject a seeded one for deterministic ids).
    public var runIDs: RunIDGenerator

    /// Creates a configuration; every argument has the documented default.
    /// - Parameters:
    ///   - maximumConcurrentRuns: The global concurrency limit (at least 1).
    ///   - misfireThreshold: How late a fire may be and still count as on time.
    ///   - shutdownGracePeriod: How long running runs may finish on shutdown.
    ///   - maximumMissedFireRecords: The most `skipped` records per agent per catch-up.
    ///   - maximumQueuedRunsPerAgent: The most fires waiting behind an agent's active run.
    ///   - maximumBackfillDates: The most dates one backfill may cover.
    ///   - storeRetry: The backoff while the store fails.
    ///   - random: The random source of retry jitter.
    ///   - owner: The lease owner identity.
    ///   - runIDs: The run-id generator.
    public init(
        maximumConcurrentRuns: Int = 5, misfireThreshold: Duration = .seconds(60),
        shutdownGracePeriod: Duration = .seconds(30), maximumMissedFireRecords: Int = 100,
        maximumQueuedRunsPerAgent: Int = 100, maximumBackfillDates: Int = 3660,
        storeRetry: RetryPolicy = RetryPolicy(initialDelay: .seconds(1), maximumDelay: .seconds(60)),
        random: any RandomNumberGenerator & Sendable = SystemRandomNumberGenerator(), owner: String? = nil,
        runIDs: RunIDGenerator = RunIDGenerator()
    ) {
        self.maximumConcurrentRuns = max(1, maximumConcurrentRuns)
        self.misfireThreshold = max(.zero, misfireThreshold)
        self.shutdownGracePeriod = max(.zero, shutdownGracePeriod)
        self.maximumMissedFireRecords = max(0, maximumMissedFireRecords)
        self.maximumQueuedRunsPerAgent = max(1, maximumQueuedRunsPerAgent)
        self.maximumBackfillDates = max(1, maximumBackfillDates)
        self.storeRetry = storeRetry
        self.random = random
        self.owner = owner
        self.runIDs = runIDs
    }

    /// A configuration whose randomness is fixed, for tests and simulations on a virtual clock: retry jitter from
    /// `seed`, run ids from a generator seeded by `owner`, so two schedulers with different owners never make the
    /// same run id and every run of a test makes the same ones.
    /// - Parameters:
    ///   - owner: The lease owner identity.
    ///   - seed: The seed of the retry jitter.
    /// - Returns: The configuration, with every other setting at its default.
    public static func deterministic(owner: String, seed: UInt64 = 7) -> SchedulerConfiguration {
        let ownerSeed = owner.utf8.reduce(UInt64(0)) { $0 &* 31 &+ UInt64($1) }
        return SchedulerConfiguration(
            random: SeededRandomNumberGenerator(seed: seed), owner: owner,
            runIDs: RunIDGenerator(random: SeededRandomNumberGenerator(seed: ownerSeed)))
    }
}
