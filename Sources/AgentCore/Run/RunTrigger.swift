import Foundation

/// What caused a run.
public enum RunTrigger: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A schedule fired; `at` is the nominal fire time (not when the run actually started).
    case scheduled(at: Date)
    /// Somebody asked for the run (CLI, API, embedding program).
    case manual
    /// A backfill for one business date of a range.
    case backfill(BusinessDate)
    /// A retry of an earlier failed attempt.
    /// - Parameters:
    ///   - of: The first run of the chain of attempts.
    ///   - attempt: The attempt number of this run (2 for the first retry).
    case retry(of: RunID, attempt: Int)

    /// The trigger's kind as a lower-case word: `scheduled`, `manual`, `backfill` or `retry`.
    public var kind: String {
        switch self {
        case .scheduled: "scheduled"
        case .manual: "manual"
        case .backfill: "backfill"
        case .retry: "retry"
        }
    }

    /// The nominal fire time of a scheduled trigger.
    public var nominalFireTime: Date? {
        if case .scheduled(let date) = self { return date }
        return nil
    }

    /// `scheduled 2026-11-21T02:30:00.000Z`, `manual`, `backfill 2026-11-01`, `retry 2 of 01J…`.
    public var description: String {
        switch self {
        case .scheduled(let date): "scheduled \(Timestamp.format(date))"
        case .manual: "manual"
        case .backfill(let date): "backfill \(date)"
        case .retry(let first, let attempt): "retry \(attempt) of \(first)"
        }
    }

    private enum CodingKeys: String, CodingKey { case kind, at, businessDate, firstRunID, attempt }

    /// Decodes `{"kind":"scheduled","at":"…"}`, `{"kind":"manual"}`, `{"kind":"backfill","businessDate":"…"}`
    /// or `{"kind":"retry","firstRunID":"…","attempt":2}`.
    /// - Throws: `DecodingError` for an unknown kind or a missing field.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .kind) {
        case "scheduled":
            let text = try container.decode(String.self, forKey: .at)
            guard let date = Timestamp.parse(text) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .at, in: container, debugDescription: "\"\(text)\" is not an ISO-8601 timestamp")
            }
            self = .scheduled(at: date)
        case "manual":
            self = .manual
        case "backfill":
            self = .backfill(try container.decode(BusinessDate.self, forKey: .businessDate))
        case "retry":
            self = .retry(
                of: try container.decode(RunID.self, forKey: .firstRunID),
                attempt: try container.decode(Int.self, forKey: .attempt))
        case let other:
            throw DecodingError.dataCorruptedError(
                forKey: .kind, in: container,
                debugDescription: "unknown trigger \"\(other)\"; expected scheduled, manual, backfill or retry")
        }
    }

    /// Encodes the shape ``init(from:)`` reads.
    /// - Throws: Whatever the encoder throws.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        switch self {
        case .scheduled(let date): try container.encode(Timestamp.format(date), forKey: .at)
        case .manual: break
        case .backfill(let date): try container.encode(date, forKey: .businessDate)
        case .retry(let first, let attempt):
            try container.encode(first, forKey: .firstRunID)
            try container.encode(attempt, forKey: .attempt)
        }
    }
}
