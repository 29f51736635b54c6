import Foundation

/// When an agent runs on its own: a cron expression in a time zone, a fixed interval, or never
/// (manual runs only).
///
/// This is plain configuration; parsing and fire-time computation live in `AgentScheduling`
/// (`CronExpression`, `IntervalSchedule`), so the contract module stays free of cron logic.
///
/// ```swift
/// let nightly = ScheduleConfiguration.cron("30 2 * * *", timeZone: "Europe/Berlin")
/// let frequent = ScheduleConfiguration.interval(.seconds(900))
/// ```
public struct ScheduleConfiguration: Sendable, Hashable, Codable, CustomStringConvertible {
    private enum Storage: Sendable, Hashable {
        case cron(expression: String, timeZoneIdentifier: String)
        case interval(every: Duration, anchor: Date?)
        case manualOnly
    }

    private let storage: Storage

    private init(storage: Storage) {
        self.storage = storage
    }

    /// A cron schedule (five fields, an optional leading seconds field, or a macro such as `@daily`).
    /// - Parameters:
    ///   - expression: The cron expression text, for example `"0 9 * * 1-5"`.
    ///   - timeZone: An IANA time-zone identifier (`"America/New_York"`) or `"UTC"`; the expression is
    ///     matched against wall-clock time in this zone.
    public static func cron(_ expression: String, timeZone: String = "UTC") -> Self {
        Self(storage: .cron(expression: expression, timeZoneIdentifier: timeZone))
    }

    /// A fixed-interval schedule.
    /// - Parameters:
    ///   - every: The time between fires; must be positive.
    ///   - anchor: The instant the grid of fires is aligned to. Fires happen at `anchor + k * every`.
    ///     When `nil`, the grid is aligned to the Unix epoch, so `every: .seconds(3600)` fires on the hour.
    public static func interval(_ every: Duration, anchoredAt anchor: Date? = nil) -> Self {
        Self(storage: .interval(every: every, anchor: anchor))
    }

    /// No schedule: the agent only runs when asked (manually, by backfill or by retry).
    public static let manualOnly = Self(storage: .manualOnly)

    /// The cron expression text, when this is a cron schedule.
    public var cronExpression: String? {
        if case .cron(let expression, _) = storage { return expression }
        return nil
    }

    /// The time-zone identifier a cron schedule is evaluated in, when this is a cron schedule.
    public var timeZoneIdentifier: String? {
        if case .cron(_, let zone) = storage { return zone }
        return nil
    }

    /// The interval between fires, when this is an interval schedule.
    public var interval: Duration? {
        if case .interval(let every, _) = storage { return every }
        return nil
    }

    /// The anchor of an interval schedule, when one was given.
    public var intervalAnchor: Date? {
        if case .interval(_, let anchor) = storage { return anchor }
        return nil
    }

    /// Whether the agent has no schedule and only runs on demand.
    public var isManualOnly: Bool {
        storage == .manualOnly
    }

    /// A short human-readable form: `cron "0 9 * * 1-5" in UTC`, `every 900s`, or `manual only`.
    public var description: String {
        switch storage {
        case .cron(let expression, let zone):
            return "cron \"\(expression)\" in \(zone)"
        case .interval(let every, let anchor):
            let seconds = Double(every.components.seconds) + Double(every.components.attoseconds) / 1e18
            let base = "every \(seconds.formatted(.number.grouping(.never)))s"
            guard let anchor else { return base }
            return base + " from \(anchor.formatted(.iso8601))"
        case .manualOnly:
            return "manual only"
        }
    }

    private enum CodingKeys: String, CodingKey {
        case kind, expression, timeZone, everySeconds, anchor
    }

    /// Decodes `{"kind":"cron","expression":…,"timeZone":…}`, `{"kind":"interval","everySeconds":…,"anchor":…}`
    /// or `{"kind":"manual"}`.
    /// - Throws: `DecodingError` when the kind is unknown or a required field is missing.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try container.decode(String.self, forKey: .kind)
        switch kind {
        case "cron":
            let expression = try container.decode(String.self, forKey: .expression)
            let zone = try container.decodeIfPresent(String.self, forKey: .timeZone) ?? "UTC"
            self = .cron(expression, timeZone: zone)
        case "interval":
            let seconds = try container.decode(Double.self, forKey: .everySeconds)
            let anchor = try container.decodeIfPresent(Date.self, forKey: .anchor)
            self = .interval(.milliseconds(Int64((seconds * 1000).rounded())), anchoredAt: anchor)
        case "manual":
            self = .manualOnly
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .kind, in: container,
                debugDescription: "unknown schedule kind \"\(kind)\"; expected \"cron\", \"interval\" or \"manual\"")
        }
    }

    /// Encodes in the shape ``init(from:)`` reads.
    /// - Throws: Whatever the encoder throws.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch storage {
        case .cron(let expression, let zone):
            try container.encode("cron", forKey: .kind)
            try container.encode(expression, forKey: .expression)
            try container.encode(zone, forKey: .timeZone)
        case .interval(let every, let anchor):
            try container.encode("interval", forKey: .kind)
            let seconds = Double(every.components.seconds) + Double(every.components.attoseconds) / 1e18
            try container.encode(seconds, forKey: .everySeconds)
            try container.encodeIfPresent(anchor, forKey: .anchor)
        case .manualOnly:
            try container.encode("manual", forKey: .kind)
        }
    }
}
