import Foundation

/// The persisted envelope of one run: what ran, why, when, how it ended and who owns it while it runs.
///
/// Records are written by the orchestrator and stored by a ``RunStore``. Timestamps have millisecond
/// precision and are encoded as ISO-8601 UTC text, so a record round-trips exactly through JSON.
/// Fields added in later schema versions are optional, so older files stay readable; a record whose
/// `schemaVersion` is newer than ``currentSchemaVersion`` is refused rather than misread.
public struct RunRecord: Sendable, Hashable, Codable, Identifiable {
    /// The schema version this library writes and the newest it reads.
    public static let currentSchemaVersion = 1

    /// The schema version of this record.
    public var schemaVersion: Int
    /// The run's identifier, sortable by creation time.
    public var id: RunID
    /// The agent that ran.
    public var agentName: AgentName
    /// What caused the run.
    public var trigger: RunTrigger
    /// The key that prevents duplicate effects.
    public var idempotencyKey: IdempotencyKey
    /// Ties the run to related work in logs.
    public var correlationID: String
    /// The day the work is about, if any.
    public var businessDate: BusinessDate?
    /// 1 for the first attempt, 2 for the first retry, and so on.
    public var attempt: Int
    /// For retries: the first run of the chain of attempts.
    public var firstRunID: RunID?
    /// Where the run is in its life cycle.
    public var status: RunStatus
    /// When the run was claimed.
    public var queuedAt: Date
    /// When the agent was started.
    public var startedAt: Date?
    /// When the terminal status was reached.
    public var endedAt: Date?
    /// The run's input.
    public var parameters: JSONValue
    /// One line about what happened.
    public var summary: String?
    /// Named counts the agent reported.
    public var counters: [String: Int64]
    /// Things the run produced.
    public var artifacts: [RunArtifact]
    /// Problems that did not fail the run.
    public var warnings: [String]
    /// Where the run's outputs are.
    public var outputsURI: String?
    /// How a failure should be treated, for failed, timed-out, cancelled and abandoned runs.
    public var errorClass: FailureClass?
    /// What failed and how to fix it.
    public var errorMessage: String?
    /// The first and last log lines of the run (bounded).
    public var logExcerpt: [String]
    /// The process that holds the run's lease while it is queued or running.
    public var leaseOwner: String?
    /// When the lease ends unless renewed; a non-terminal run whose lease has ended is orphaned.
    public var leaseExpiresAt: Date?
    /// When a notification about the run was delivered.
    public var notifiedAt: Date?

    /// Creates a record.
    /// - Parameters:
    ///   - id: The run's identifier.
    ///   - request: The request the run serves (agent, trigger, input, keys).
    ///   - status: The initial status.
    ///   - queuedAt: When the run was claimed (rounded to milliseconds, the precision records keep).
    ///   - leaseOwner: The owner of the lease.
    ///   - leaseExpiresAt: When the lease ends unless renewed.
    public init(
        id: RunID, request: AgentRunRequest, status: RunStatus = .queued, queuedAt: Date,
        leaseOwner: String? = nil, leaseExpiresAt: Date? = nil
    ) {
        self.schemaVersion = Self.currentSchemaVersion
        self.id = id
        self.agentName = request.agentName
        self.trigger = request.trigger
        self.idempotencyKey = request.idempotencyKey
        self.correlationID = request.correlationID
        self.businessDate = request.businessDate
        self.attempt = request.attempt
        if case .retry(let first, _) = request.trigger { self.firstRunID = first } else { self.firstRunID = nil }
        self.status = status
        self.queuedAt = Timestamp.roundedToMilliseconds(queuedAt)
        self.startedAt = nil
        self.endedAt = nil
        self.parameters = request.parameters
        self.summary = nil
        self.counters = [:]
        self.artifacts = []
        self.warnings = []
        self.outputsURI = nil
        self.errorClass = nil
        self.errorMessage = nil
        self.logExcerpt = []
        self.leaseOwner = leaseOwner
        self.leaseExpiresAt = leaseExpiresAt
        self.notifiedAt = nil
    }

    /// The time between start and end, when both are known.
    public var duration: Duration? {
        guard let startedAt, let endedAt else { return nil }
        return .milliseconds(Timestamp.milliseconds(endedAt) - Timestamp.milliseconds(startedAt))
    }

    /// The request this record serves, rebuilt from the stored fields.
    public var request: AgentRunRequest {
        AgentRunRequest(
            agent: agentName, trigger: trigger, parameters: parameters, correlationID: correlationID,
            businessDate: businessDate, idempotencyKey: idempotencyKey)
    }

    /// Whether the run holds a lease that has not ended at `now`.
    /// - Parameter now: The current time on the store's clock.
    /// - Returns: `true` when a lease exists and ends after `now`.
    public func hasLiveLease(at now: Date) -> Bool {
        guard let leaseExpiresAt else { return false }
        return leaseExpiresAt > now
    }

    private enum CodingKeys: String, CodingKey {
        case schemaVersion, id, agent, trigger, idempotencyKey, correlationID, businessDate, attempt, firstRunID
        case status, queuedAt, startedAt, endedAt, durationMs, parameters, summary, counters, artifacts, warnings
        case outputsURI, errorClass, errorMessage, logExcerpt, leaseOwner, leaseExpiresAt, notifiedAt
    }

    /// Decodes a record, refusing schema versions newer than this library understands.
    /// - Throws: `DecodingError` naming the bad field, or for a newer schema version.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        schemaVersion = try container.decode(Int.self, forKey: .schemaVersion)
        guard schemaVersion >= 1, schemaVersion <= Self.currentSchemaVersion else {
            throw DecodingError.dataCorruptedError(
                forKey: .schemaVersion, in: container,
                debugDescription:
                    "run record schema version \(schemaVersion) is not supported; this library reads versions 1-\(Self.currentSchemaVersion): upgrade swift-agent-runner"
            )
        }
        func date(_ key: CodingKeys) throws -> Date? {
            guard let text = try container.decodeIfPresent(String.self, forKey: key) else { return nil }
            guard let date = Timestamp.parse(text) else {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: container, debugDescription: "\"\(text)\" is not an ISO-8601 timestamp")
            }
            return date
        }
        id = try container.decode(RunID.self, forKey: .id)
        agentName = try container.decode(AgentName.self, forKey: .agent)
        trigger = try container.decode(RunTrigger.self, forKey: .trigger)
        idempotencyKey = try container.decode(IdempotencyKey.self, forKey: .idempotencyKey)
        correlationID = try container.decode(String.self, forKey: .correlationID)
        businessDate = try container.decodeIfPresent(BusinessDate.self, forKey: .businessDate)
        attempt = try container.decode(Int.self, forKey: .attempt)
        firstRunID = try container.decodeIfPresent(RunID.self, forKey: .firstRunID)
        status = try container.decode(RunStatus.self, forKey: .status)
        guard let queued = try date(.queuedAt) else {
            throw DecodingError.keyNotFound(
                CodingKeys.queuedAt, .init(codingPath: container.codingPath, debugDescription: "queuedAt is missing"))
        }
        queuedAt = queued
        startedAt = try date(.startedAt)
        endedAt = try date(.endedAt)
        parameters = try container.decodeIfPresent(JSONValue.self, forKey: .parameters) ?? .emptyObject
        summary = try container.decodeIfPresent(String.self, forKey: .summary)
        counters = try container.decodeIfPresent([String: Int64].self, forKey: .counters) ?? [:]
        artifacts = try container.decodeIfPresent([RunArtifact].self, forKey: .artifacts) ?? []
        warnings = try container.decodeIfPresent([String].self, forKey: .warnings) ?? []
        outputsURI = try container.decodeIfPresent(String.self, forKey: .outputsURI)
        errorClass = try container.decodeIfPresent(FailureClass.self, forKey: .errorClass)
        errorMessage = try container.decodeIfPresent(String.self, forKey: .errorMessage)
        logExcerpt = try container.decodeIfPresent([String].self, forKey: .logExcerpt) ?? []
        leaseOwner = try container.decodeIfPresent(String.self, forKey: .leaseOwner)
        leaseExpiresAt = try date(.leaseExpiresAt)
        notifiedAt = try date(.notifiedAt)
    }

    /// Encodes the record; optional fields that are empty are left out, timestamps are ISO-8601 UTC with
    /// milliseconds, and a derived `durationMs` is added for readers such as `jq`.
    /// - Throws: Whatever the encoder throws.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(schemaVersion, forKey: .schemaVersion)
        try container.encode(id, forKey: .id)
        try container.encode(agentName, forKey: .agent)
        try container.encode(trigger, forKey: .trigger)
        try container.encode(idempotencyKey, forKey: .idempotencyKey)
        try container.encode(correlationID, forKey: .correlationID)
        try container.encodeIfPresent(businessDate, forKey: .businessDate)
        try container.encode(attempt, forKey: .attempt)
        try container.encodeIfPresent(firstRunID, forKey: .firstRunID)
        try container.encode(status, forKey: .status)
        try container.encode(Timestamp.format(queuedAt), forKey: .queuedAt)
        try container.encodeIfPresent(startedAt.map(Timestamp.format), forKey: .startedAt)
        try container.encodeIfPresent(endedAt.map(Timestamp.format), forKey: .endedAt)
        if let startedAt, let endedAt {
            try container.encode(
                Timestamp.milliseconds(endedAt) - Timestamp.milliseconds(startedAt), forKey: .durationMs)
        }
        try container.encode(parameters, forKey: .parameters)
        try container.encodeIfPresent(summary, forKey: .summary)
        if !counters.isEmpty { try container.encode(counters, forKey: .counters) }
        if !artifacts.isEmpty { try container.encode(artifacts, forKey: .artifacts) }
        if !warnings.isEmpty { try container.encode(warnings, forKey: .warnings) }
        try container.encodeIfPresent(outputsURI, forKey: .outputsURI)
        try container.encodeIfPresent(errorClass, forKey: .errorClass)
        try container.encodeIfPresent(errorMessage, forKey: .errorMessage)
        if !logExcerpt.isEmpty { try container.encode(logExcerpt, forKey: .logExcerpt) }
        try container.encodeIfPresent(leaseOwner, forKey: .leaseOwner)
        try container.encodeIfPresent(leaseExpiresAt.map(Timestamp.format), forKey: .leaseExpiresAt)
        try container.encodeIfPresent(notifiedAt.map(Timestamp.format), forKey: .notifiedAt)
    }
}
