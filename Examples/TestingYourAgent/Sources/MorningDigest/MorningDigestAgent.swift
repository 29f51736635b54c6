import AgentCore
import Foundation

/// An agent that fetches the morning's entries from a ``DigestSource`` and reports how many there were.
///
/// It fires at 09:00 on weekdays in Berlin by default. It shows the three things an agent author
/// decides, each of which the example's tests pin down:
/// - the **result**: `.succeeded` with a counter, or `.noOp` when there is nothing to report;
/// - the **failure class**: an unavailable source is transient (retried with backoff), refused
///   credentials are permanent (never retried), a quota is rate-limited (retried after the given delay);
/// - **time**: every wait goes through the run's clock, so a test's ``ManualClock`` controls timeouts.
public struct MorningDigestAgent: AgentDefinition {
    /// The agent's name.
    public let name: AgentName
    /// When the agent fires.
    public let schedule: ScheduleConfiguration
    /// Timeout and retry settings.
    public let policy: RunPolicy
    private let source: any DigestSource

    /// Creates the agent.
    /// - Parameters:
    ///   - name: The agent's name (default `morning-digest`).
    ///   - schedule: When it fires (default: 09:00 Monday to Friday, Europe/Berlin).
    ///   - policy: Timeout and retries (default: 2-minute timeout, 3 retries from 30 s, doubling).
    ///   - source: Where the entries come from.
    public init(
        name: AgentName = "morning-digest",
        schedule: ScheduleConfiguration = .cron("0 9 * * 1-5", timeZone: "Europe/Berlin"),
        policy: RunPolicy = RunPolicy(
            timeout: .seconds(120), retry: RetryPolicy(maximumRetries: 3, initialDelay: .seconds(30))),
        source: any DigestSource
    ) {
        self.name = name
        self.schedule = schedule
        self.policy = policy
        self.source = source
    }

    /// Fetches the entries and summarises them.
    /// - Parameters:
    ///   - request: The run's request.
    ///   - context: The run's context: log, progress and clock.
    /// - Returns: `.succeeded` with an `entries` counter, or `.noOp` when there were none.
    /// - Throws: ``AgentFailure`` classified from the source's error, or `CancellationError`.
    public func run(_ request: AgentRunRequest, context: AgentRunContext) async throws -> AgentRunResult {
        context.log("fetching entries (attempt \(context.attempt))")
        let entries: [DigestEntry]
        do {
            entries = try await source.entries(clock: context.clock)
        } catch let error as DigestSourceError {
            switch error.kind {
            case .unavailable:
                throw AgentFailure.transient("the digest source is unavailable: \(error.message)")
            case .unauthorized:
                throw AgentFailure.permanent(
                    "the digest source refused the credentials: \(error.message); renew the token and run again")
            case .rateLimited(let retryAfter):
                throw AgentFailure.rateLimited(
                    "the digest source is rate limited: \(error.message)", retryAfter: retryAfter)
            }
        }
        try context.checkCancellation()
        guard !entries.isEmpty else {
            return .noOp("no new entries")
        }
        context.reportProgress(1, "summarised \(entries.count) entries")
        return .succeeded("digest of \(entries.count) entries", counters: ["entries": Int64(entries.count)])
    }
}
