/// Who is responsible for an agent, shown in health reports and notifications.
public struct OwnerMetadata: Sendable, Hashable, Codable {
    /// A team or person (`"platform-team"`).
    public var owner: String?
    /// How to reach them (`"#platform-alerts"`, an e-mail address).
    public var contact: String?
    /// What the agent is for.
    public var description: String?
    /// Free-form labels (`"tier": "1"`).
    public var labels: [String: String]

    /// Creates owner metadata.
    /// - Parameters:
    ///   - owner: A team or person.
    ///   - contact: How to reach them.
    ///   - description: What the agent is for.
    ///   - labels: Free-form labels.
    public init(
        owner: String? = nil, contact: String? = nil, description: String? = nil, labels: [String: String] = [:]
    ) {
        self.owner = owner
        self.contact = contact
        self.description = description
        self.labels = labels
    }
}
