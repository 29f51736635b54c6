/// What the scheduler does with fires that were missed while nothing ran (the process was down,
/// the machine slept, the agent was paused).
public struct MisfirePolicy: Sendable, Hashable, Codable, CustomStringConvertible {
    private enum Storage: Sendable, Hashable {
        case skip
        case runOnce
        case runAll(limit: Int)
    }

    private let storage: Storage
    /// Only fires this recent are caught up; older ones are skipped (recorded, never run).
    public let catchUpWindow: Duration

    private init(storage: Storage, catchUpWindow: Duration) {
        self.storage = storage
        self.catchUpWindow = catchUpWindow
    }

    /// Record the missed fires as skipped and wait for the next one.
    public static let skip = MisfirePolicy(storage: .skip, catchUpWindow: .zero)

    /// Coalesce all missed fires within the window into one run (the default).
    /// - Parameter catchUpWindow: How far back missed fires count (default 24 h).
    /// - Returns: The policy.
    public static func runOnce(catchUpWindow: Duration = .seconds(86_400)) -> MisfirePolicy {
        MisfirePolicy(storage: .runOnce, catchUpWindow: catchUpWindow)
    }

    /// Run every missed fire within the window, oldest first, at most `limit` of them.
    /// - Parameters:
    ///   - limit: The most fires to catch up; older ones beyond it are skipped.
    ///   - catchUpWindow: How far back missed fires count (default 24 h).
    /// - Returns: The policy.
    public static func runAll(limit: Int, catchUpWindow: Duration = .seconds(86_400)) -> MisfirePolicy {
        MisfirePolicy(storage: .runAll(limit: max(1, limit)), catchUpWindow: catchUpWindow)
    }

    /// The default policy: ``runOnce(catchUpWindow:)`` with a 24-hour window.
    public static let `default` = runOnce()

    /// The most missed fires this policy runs (0 for skip, 1 for run-once).
    public var runLimit: Int {
        switch storage {
        case .skip: 0
        case .runOnce: 1
        case .runAll(let limit): limit
        }
    }

    /// Whether missed fires are coalesced into one run.
    public var coalesces: Bool { storage == .runOnce }

    /// The policy's name: `skip`, `runOnce` or `runAll`.
    public var name: String {
        switch storage {
        case .skip: "skip"
        case .runOnce: "runOnce"
        case .runAll: "runAll"
        }
    }

    /// `skip`, `runOnce within 86400s`, `runAll(limit: 10) within 3600s`.
    public var description: String {
        switch storage {
        case .skip: "skip"
        case .runOnce: "runOnce within \(Int(catchUpWindow.timeInterval))s"
        case .runAll(let limit): "runAll(limit: \(limit)) within \(Int(catchUpWindow.timeInterval))s"
        }
    }

    private enum CodingKeys: String, CodingKey { case policy, limit, catchUpWindowSeconds }

    /// Decodes `{"policy":"runAll","limit":10,"catchUpWindowSeconds":3600}`.
    /// - Throws: `DecodingError` for an unknown policy.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let name = try container.decode(String.self, forKey: .policy)
        let window = Duration.interval(
            try container.decodeIfPresent(Double.self, forKey: .catchUpWindowSeconds) ?? 86_400)
        switch name {
        case "skip": self = .skip
        case "runOnce": self = .runOnce(catchUpWindow: window)
        case "runAll": self = .runAll(limit: try container.decode(Int.self, forKey: .limit), catchUpWindow: window)
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .policy, in: container,
                debugDescription: "unknown misfire policy \"\(name)\"; expected skip, runOnce or runAll")
        }
    }

    /// Encodes the shape ``init(from:)`` reads.
    /// - Throws: Whatever the encoder throws.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .policy)
        if case .runAll(let limit) = storage { try container.encode(limit, forKey: .limit) }
        try container.encode(catchUpWindow.timeInterval, forKey: .catchUpWindowSeconds)
    }
}
