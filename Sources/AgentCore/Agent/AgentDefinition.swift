/// An agent: a named unit of work with a schedule and a policy.
///
/// Conform a type to run it with the orchestrator and the scheduler:
///
/// ```swift
/// struct ReportAgent: AgentDefinition {
///     let name: AgentName = "daily-report"
///     var schedule: ScheduleConfiguration { .cron("0 7 * * 1-5", timeZone: "Europe/Berlin") }
///
///     func run(_ request: AgentRunRequest, context: AgentRunContext) async throws -> AgentRunResult {
///         context.log("building report")
///         return .succeeded("report sent")
///     }
/// }
/// ```
///
/// Everything but ``name`` and ``run(_:context:)`` has a default.
public protocol AgentDefinition: Sendable {
    /// The agent's stable name; it identifies the agent's records and schedule state.
    var name: AgentName { get }
    /// When the agent runs by itself (default: manual runs only).
    var schedule: ScheduleConfiguration { get }
    /// Whether the scheduler runs it (default `true`); manual runs work either way.
    var isEnabled: Bool { get }
    /// Who is responsible for it.
    var owner: OwnerMetadata { get }
    /// How its runs are executed.
    var policy: RunPolicy { get }

    /// Does the work of one run.
    ///
    /// Return a result for every outcome the agent understands, including failures; throw only for the
    /// unexpected (a ``ClassifiedError`` says how to treat it, anything else counts as transient).
    /// Honour task cancellation.
    /// - Parameters:
    ///   - request: The request: trigger, parameters, business date, idempotency key.
    ///   - context: Run id, attempt, clock, progress and log reporting.
    /// - Returns: How the run ended.
    /// - Throws: Any error, classified as described above.
    func run(_ request: AgentRunRequest, context: AgentRunContext) async throws -> AgentRunResult
}

extension AgentDefinition {
    /// Manual runs only.
    public var schedule: ScheduleConfiguration { .manualOnly }
    /// Enabled.
    public var isEnabled: Bool { true }
    /// No owner metadata.
    public var owner: OwnerMetadata { OwnerMetadata() }
    /// ``RunPolicy/default``.
    public var policy: RunPolicy { .default }
}
