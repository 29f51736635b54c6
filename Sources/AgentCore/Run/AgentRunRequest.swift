import Foundation

/// A request to run an agent once.
///
/// ```swift
/// let request = AgentRunRequest(agent: "nightly-review", trigger: .manual, parameters: ["repo": "api"])
/// ```
public struct AgentRunRequest: Sendable, Hashable, Codable {
    /// The agent to run.
    public var agentName: AgentName
    /// What caused the run.
    public var trigger: RunTrigger
    /// The run's input, handed to the agent unchanged.
    public var parameters: JSONValue
    /// An identifier that ties this run to related work in logs (a request id, a workflow id, …).
    public var correlationID: String
    /// The day the work is about, if it is about one.
    public var businessDate: BusinessDate?
    /// The key that prevents duplicate effects; derived from agent, parameters, business date and
    /// nominal fire time when the caller gives none.
    public var idempotencyKey: IdempotencyKey

    /// Creates a request.
    /// - Parameters:
    ///   - agent: The agent to run.
    ///   - trigger: What caused the run; a `.backfill` trigger also sets the business date when none is given.
    ///   - parameters: The run's input (default: an empty object).
    ///   - correlationID: Ties the run to related work; a random UUID when `nil`.
    ///   - businessDate: The day the work is about.
    ///   - idempotencyKey: An explicit key; derived with ``IdempotencyKey/derive(agent:parameters:businessDate:nominalFireTime:)`` when `nil`.
    public init(
        agent: AgentName,
        trigger: RunTrigger = .manual,
        parameters: JSONValue = .emptyObject,
        correlationID: String? = nil,
        businessDate: BusinessDate? = nil,
        idempotencyKey: IdempotencyKey? = nil
    ) {
        var date = businessDate
        if date == nil, case .backfill(let backfillDate) = trigger { date = backfillDate }
        self.agentName = agent
        self.trigger = trigger
        self.parameters = parameters
        self.correlationID = correlationID ?? UUID().uuidString.lowercased()
        self.businessDate = date
        self.idempotencyKey =
            idempotencyKey
            ?? IdempotencyKey.derive(
                agent: agent, parameters: parameters, businessDate: date, nominalFireTime: trigger.nominalFireTime)
    }

    /// The attempt number this request represents: the retry's number, otherwise 1.
    public var attempt: Int {
        if case .retry(_, let attempt) = trigger { return attempt }
        return 1
    }
}
