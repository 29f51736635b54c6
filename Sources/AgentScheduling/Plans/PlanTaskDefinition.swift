import AgentCore

/// One task of a plan: the agent it runs with which parameters, the tasks it depends on, and when it may start.
public struct PlanTaskDefinition: Sendable, Hashable {
    /// The task's id, unique in its plan (`seo.validate`).
    public var id: String
    /// The agent that executes it (its run policy — retries, timeout, priority, overlap — applies).
    public var agent: AgentName
    /// The run's parameters.
    public var parameters: JSONValue
    /// The tasks that must settle first.
    public var dependsOn: [String]
    /// When it may start once they have settled (default ``PlanTriggerRule/allSucceeded``).
    public var rule: PlanTriggerRule

    /// Creates a task.
    /// - Parameters:
    ///   - id: The task's id.
    ///   - agent: Its agent.
    ///   - parameters: The run's parameters.
    ///   - dependsOn: Upstream task ids.
    ///   - rule: The trigger rule.
    public init(
        id: String, agent: AgentName, parameters: JSONValue = .emptyObject, dependsOn: [String] = [],
        rule: PlanTriggerRule = .allSucceeded
    ) {
        self.id = id
        self.agent = agent
        self.parameters = parameters
        self.dependsOn = dependsOn
        self.rule = rule
    }
}
