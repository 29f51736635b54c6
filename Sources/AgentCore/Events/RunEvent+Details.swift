import Foundation

extension RunEvent {
    /// The typed payload of an event: one case per family of kinds.
    ///
    /// Read it with a `switch`, or through the accessors on ``RunEvent`` (``RunEvent/failure``,
    /// ``RunEvent/retry``, …) that answer `nil` for other payloads. In Codable form it is an object with one key,
    /// the case's name, holding the payload (`{"failure": {"failureClass": "transient", "isFinal": true}}`).
    public enum Details: Sendable, Hashable, Codable {
        /// A run ended without success: its failure class and whether a retry follows.
        case failure(RunFailureDetails)
        /// A retry was scheduled.
        case retry(RetryScheduleDetails)
        /// An agent was paused or resumed.
        case pause(PauseDetails)
        /// The scheduler changed state.
        case schedulerState(SchedulerStateChange)
        /// A request was deduplicated.
        case deduplication(DeduplicationDetails)
        /// Scheduled fires were missed.
        case missedFires(MissedFiresDetails)
        /// A webhook delivery succeeded or was given up.
        case notification(NotificationDeliveryDetails)
        /// An agent wrote a log line.
        case log(LogDetails)
        /// An agent called a tool.
        case toolCall(ToolCallDetails)
        /// A service-level rule was broken.
        case serviceLevelBreach(ServiceLevelBreach)
        /// A scheduled fire is overdue.
        case overdueFire(OverdueFireDetails)

        private enum CodingKeys: String, CodingKey {
            case failure, retry, pause, schedulerState, deduplication, missedFires, notification, log, toolCall
            case serviceLevelBreach, overdueFire
        }

        /// Decodes the payload from an object with one key, the case's name.
        /// - Throws: `DecodingError` when no known case is present.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            guard let key = container.allKeys.first else {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: decoder.codingPath, debugDescription: "event details name no known payload"))
            }
            switch key {
            case .failure: self = .failure(try container.decode(RunFailureDetails.self, forKey: key))
            case .retry: self = .retry(try container.decode(RetryScheduleDetails.self, forKey: key))
            case .pause: self = .pause(try container.decode(PauseDetails.self, forKey: key))
            case .schedulerState: self = .schedulerState(try container.decode(SchedulerStateChange.self, forKey: key))
            case .deduplication: self = .deduplication(try container.decode(DeduplicationDetails.self, forKey: key))
            case .missedFires: self = .missedFires(try container.decode(MissedFiresDetails.self, forKey: key))
            case .notification:
                self = .notification(try container.decode(NotificationDeliveryDetails.self, forKey: key))
            case .log: self = .log(try container.decode(LogDetails.self, forKey: key))
            case .toolCall: self = .toolCall(try container.decode(ToolCallDetails.self, forKey: key))
            case .serviceLevelBreach:
                self = .serviceLevelBreach(try container.decode(ServiceLevelBreach.self, forKey: key))
            case .overdueFire: self = .overdueFire(try container.decode(OverdueFireDetails.self, forKey: key))
            }
        }

        /// Encodes the payload as an object with one key, the case's name.
        /// - Throws: Whatever the encoder throws.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            switch self {
            case .failure(let value): try container.encode(value, forKey: .failure)
            case .retry(let value): try container.encode(value, forKey: .retry)
            case .pause(let value): try container.encode(value, forKey: .pause)
            case .schedulerState(let value): try container.encode(value, forKey: .schedulerState)
            case .deduplication(let value): try container.encode(value, forKey: .deduplication)
            case .missedFires(let value): try container.encode(value, forKey: .missedFires)
            case .notification(let value): try container.encode(value, forKey: .notification)
            case .log(let value): try container.encode(value, forKey: .log)
            case .toolCall(let value): try container.encode(value, forKey: .toolCall)
            case .serviceLevelBreach(let value): try container.encode(value, forKey: .serviceLevelBreach)
            case .overdueFire(let value): try container.encode(value, forKey: .overdueFire)
            }
        }

        /// The payload's fields as they appear at the top level of ``RunEvent/jsonLine`` (see Docs/Events.md).
        var jsonFields: [String: JSONValue] {
            var fields: [String: JSONValue] = [:]
            func set(_ key: String, _ value: JSONValue?) { if let value { fields[key] = value } }
            func date(_ value: Date?) -> JSONValue? { value.map { .string(Timestamp.format($0)) } }
            func integer(_ value: Int?) -> JSONValue? { value.map { .integer(Int64($0)) } }
            switch self {
            case .failure(let value):
                set("failureClass", value.failureClass.map { .string($0.rawValue) })
                set("isFinal", .bool(value.isFinal))
            case .retry(let value):
                set("retryAt", date(value.retryAt))
                set("delaySeconds", .double(value.delay.timeInterval))
                set("nextAttempt", integer(value.nextAttempt))
                set("failureClass", value.failureClass.map { .string($0.rawValue) })
            case .pause(let value):
                set("automatic", .bool(value.automatic))
                set("consecutiveFailures", integer(value.consecutiveFailures))
                set("origin", .string(value.origin.rawValue))
            case .schedulerState(let value):
                set("from", .string(value.from))
                set("to", .string(value.to))
                set("error", value.error.map { .string($0) })
            case .deduplication(let value):
                set("reason", .string(value.reason.rawValue))
            case .missedFires(let value):
                set("missed", integer(value.missed))
                set("caughtUp", integer(value.caughtUp))
                set("skipped", integer(value.skipped))
                set("recorded", integer(value.recorded))
                set("misfirePolicy", .string(value.misfirePolicy))
                set("firstMissed", date(value.firstMissed))
                set("lastMissed", date(value.lastMissed))
            case .notification(let value):
                set("host", .string(value.host))
                set("format", .string(value.format))
                set("notification", value.notification.map { .string($0) })
                set("attempts", integer(value.attempts))
                set("statusCode", integer(value.statusCode))
            case .log(let value):
                set("level", .string(value.level))
                if !value.fields.isEmpty { set("fields", .object(value.fields.mapValues { .string($0) })) }
            case .toolCall(let value):
                set("tool", .string(value.name))
                set("input", value.inputSummary.map { .string($0) })
                set("durationMs", value.duration.map { .integer(Int64(($0.timeInterval * 1000).rounded())) })
                set("outcome", .string(value.outcome.rawValue))
            case .serviceLevelBreach(let value):
                set("rule", .string(value.rule.rawValue))
                set("deadline", date(value.deadline))
                set("day", value.day.map { .string($0) })
            case .overdueFire(let value):
                set("fire", date(value.fire))
                set("overdueSince", date(value.overdueSince))
            }
            return fields
        }
    }
}
