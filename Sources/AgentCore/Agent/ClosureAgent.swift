/// An agent whose work is a closure: the quickest way to define one in code.
///
/// ```swift
/// let agent = ClosureAgent(name: "ping", schedule: .interval(.seconds(60))) { request, context in
///     context.log("pong")
///     return .succeeded()
/// }
/// ```
public struct ClosureAgent: AgentDefinition {
    /// The work of one run.
    public typealias Body = @Sendable (AgentRunRequest, AgentRunContext) async throws -> AgentRunResult

    /// The agent's name.
    public let name: AgentName
    /// When it runs by itself.
    public var schedule: ScheduleConfiguration
    /// Whether the scheduler runs it.
    public var isEnabled: Bool
    /// Who is responsible for it.
    public var owner: OwnerMetadata
    /// How its runs are executed.
    public var policy: RunPolicy
    private let body: Body

    /// Creates an agent.
    /// - Parameters:
    ///   - name: The agent's name.
    ///   - schedule: When it runs by itself (default: manual only).
    ///   - isEnabled: Whether the scheduler runs it (default `true`).
    ///   - owner: Who is responsible.
    ///   - policy: How its runs are executed.
    ///   - body: The work of one run.
    public init(
        name: AgentName, schedule: ScheduleConfiguration = .manualOnly, isEnabled: Bool = true,
        owner: OwnerMetadata = OwnerMetadata(), policy: RunPolicy = .default, body: @escaping Body
    ) {
        self.name = name
        self.schedule = schedule
        self.isEnabled = isEnabled
        self.owner = owner
        self.policy = policy
        self.body = body
    }

    /// Calls the closure.
    /// - Parameters:
    ///   - request: The request.
    ///   - context: The run's context.
    /// - Returns: The closure's result.
    /// - Throws: Whatever the closure throws.
    public func run(_ request: AgentRunRequest, context: AgentRunContext) async throws -> AgentRunResult {
        try await body(request, context)
    }
}
