import Foundation

/// One step in the life of a run or of the scheduler, published on an ``EventBroadcaster``.
public struct RunEvent: Sendable, Hashable, Codable {
    /// What happened. A struct rather than an enum so that new kinds can be added without breaking callers.
    public struct Kind: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        /// The kind's name, as written in JSON log lines.
        public let rawValue: String
        /// Creates a kind from its name.
        /// - Parameter rawValue: The name.
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The run was claimed and recorded as queued.
        public static let runQueued = Kind(rawValue: "runQueued")
        /// The agent was started.
        public static let runStarted = Kind(rawValue: "runStarted")
        /// The agent reported progress.
        public static let runProgress = Kind(rawValue: "runProgress")
        /// The agent wrote a log line.
        public static let runLog = Kind(rawValue: "runLog")
        /// The run ended succeeded or no-op.
        public static let runSucceeded = Kind(rawValue: "runSucceeded")
        /// The run ended failed.
        public static let runFailed = Kind(rawValue: "runFailed")
        /// The run ended timed out.
        public static let runTimedOut = Kind(rawValue: "runTimedOut")
        /// The run ended cancelled.
        public static let runCancelled = Kind(rawValue: "runCancelled")
        /// The request duplicated a run that already succeeded, or one in progress.
        public static let runDeduplicated = Kind(rawValue: "runDeduplicated")
        /// A retry of a failed run was scheduled.
        public static let runRetryScheduled = Kind(rawValue: "runRetryScheduled")
        /// A run was recorded as skipped.
        public static let runSkipped = Kind(rawValue: "runSkipped")
        /// A run whose owner died was marked abandoned.
        public static let runAbandoned = Kind(rawValue: "runAbandoned")
        /// A scheduled fire was missed while nothing ran.
        public static let scheduleMissed = Kind(rawValue: "scheduleMissed")
        /// An agent was paused (by hand or after repeated failures).
        public static let agentPaused = Kind(rawValue: "agentPaused")
        /// An agent was resumed.
        public static let agentResumed = Kind(rawValue: "agentResumed")
        /// The scheduler changed state.
        public static let schedulerStateChanged = Kind(rawValue: "schedulerStateChanged")
        /// An agent called a tool (see ``AgentRunContext/toolCall(name:input:duration:outcome:message:)``).
        public static let toolCall = Kind(rawValue: "toolCall")
        /// An agent broke a service-level rule (a run over its `maxDuration`, no success by `mustSucceedBy`).
        public static let slaBreached = Kind(rawValue: "slaBreached")
        /// A scheduled fire still has no run record a grace period after it was due.
        public static let fireOverdue = Kind(rawValue: "fireOverdue")
        /// A run ended waiting for a person's approval (it holds no slot, lease or process while it waits).
        public static let runAwaitingApproval = Kind(rawValue: "runAwaitingApproval")
        /// The "awaiting approval" notification of a run was sent (once across runners); the message is its text.
        public static let approvalRequested = Kind(rawValue: "approvalRequested")
        /// A person approved or rejected a run awaiting approval.
        public static let approvalDecided = Kind(rawValue: "approvalDecided")
        /// Nobody decided before the deadline: the run ended rejected.
        public static let approvalExpired = Kind(rawValue: "approvalExpired")
        /// A plan run settled (succeeded or failed); the message names its status.
        public static let planRunEnded = Kind(rawValue: "planRunEnded")
        /// A pipeline candidate was promoted to its next stage (or completed); the message names it.
        public static let candidatePromoted = Kind(rawValue: "candidatePromoted")
        /// A pipeline candidate was paused for people (repeated final failures, an inconclusive gate); the message
        /// names who paused it and why.
        public static let candidatePaused = Kind(rawValue: "candidatePaused")

        /// The name.
        public var description: String { rawValue }

        /// Decodes the name.
        /// - Throws: `DecodingError` when the value is not a string.
        public init(from decoder: any Decoder) throws {
            rawValue = try decoder.singleValueContainer().decode(String.self)
        }

        /// Encodes the name.
        /// - Throws: Whatever the encoder throws.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(rawValue)
        }
    }

    /// What happened.
    public var kind: Kind
    /// When it happened, on the injected clock.
    public var timestamp: Date
    /// The agent concerned, if any.
    public var agentName: AgentName?
    /// The run concerned, if any.
    public var runID: RunID?
    /// The attempt number of the run, if any.
    public var attempt: Int?
    /// The run's status after the event, if any.
    public var status: RunStatus?
    /// A human-readable message.
    public var message: String?
    /// Progress between 0 and 1, for ``Kind/runProgress``.
    public var progress: Double?
    /// The kind's typed payload, if it has one (see ``Details``).
    public var details: Details?

    /// Creates an event.
    /// - Parameters:
    ///   - kind: What happened.
    ///   - timestamp: When, on the injected clock.
    ///   - agentName: The agent concerned.
    ///   - runID: The run concerned.
    ///   - attempt: The run's attempt number.
    ///   - status: The run's status after the event.
    ///   - message: A human-readable message.
    ///   - progress: Progress between 0 and 1.
    ///   - details: The kind's typed payload.
    public init(
        kind: Kind, timestamp: Date, agentName: AgentName? = nil, runID: RunID? = nil, attempt: Int? = nil,
        status: RunStatus? = nil, message: String? = nil, progress: Double? = nil, details: Details? = nil
    ) {
        self.kind = kind
        self.timestamp = timestamp
        self.agentName = agentName
        self.runID = runID
        self.attempt = attempt
        self.status = status
        self.message = message
        self.progress = progress
        self.details = details
    }

    /// Creates an event about a run, taking agent, id, attempt and status from its record.
    /// - Parameters:
    ///   - kind: What happened.
    ///   - record: The run's record after the event.
    ///   - timestamp: When, on the injected clock.
    ///   - message: A human-readable message.
    ///   - details: The kind's typed payload.
    public init(kind: Kind, record: RunRecord, timestamp: Date, message: String? = nil, details: Details? = nil) {
        self.init(
            kind: kind, timestamp: timestamp, agentName: record.agentName, runID: record.id, attempt: record.attempt,
            status: record.status, message: message, details: details)
    }

    /// The event as one line of JSON (keys sorted, no trailing newline), for structured logs.
    ///
    /// The keys `event`, `ts`, `agent`, `runID`, `attempt`, `status`, `message` and `progress` are always spelled so;
    /// the payload's fields (``Details``) follow at the top level under the names Docs/Events.md lists per kind.
    public var jsonLine: String {
        var object: [String: JSONValue] = ["event": .string(kind.rawValue), "ts": .string(Timestamp.format(timestamp))]
        if let agentName { object["agent"] = .string(agentName.rawValue) }
        if let runID { object["runID"] = .string(runID.rawValue) }
        if let attempt { object["attempt"] = .integer(Int64(attempt)) }
        if let status { object["status"] = .string(status.rawValue) }
        if let message { object["message"] = .string(message) }
        if let progress { object["progress"] = .double(progress) }
        if let details {
            for (key, value) in details.jsonFields where object[key] == nil { object[key] = value }
        }
        return JSONValue.object(object).canonicalText
    }
}
