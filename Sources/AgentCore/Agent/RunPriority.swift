/// How urgently due runs are dispatched when the concurrency limit makes them wait.
public enum RunPriority: Int, Sendable, Hashable, Codable, CaseIterable, Comparable, CustomStringConvertible {
    /// Dispatched last.
    case low = 0
    /// The default.
    case normal = 1
    /// Before normal and low.
    case high = 2
    /// Before everything else.
    case critical = 3

    /// Orders by urgency (`low < normal < high < critical`).
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// `low`, `normal`, `high` or `critical`.
    public var description: String {
        switch self {
        case .low: "low"
        case .normal: "normal"
        case .high: "high"
        case .critical: "critical"
        }
    }

    /// Parses `low`, `normal`, `high` or `critical`.
    /// - Parameter text: The name.
    public init?(name text: String) {
        guard let match = Self.allCases.first(where: { $0.description == text }) else { return nil }
        self = match
    }
}
