import Foundation

/// Who paused a candidate, why and when.
public struct PauseRecord: Sendable, Hashable, Codable {
    /// Who paused it: a person, or `pipeline` when the coordinator paused it on its own.
    public var by: String
    /// Why (`3 final failures on stage backtest`, `gate inconclusive`).
    public var reason: String
    /// When.
    public var at: Date

    /// Creates a pause record.
    /// - Parameters:
    ///   - by: Who paused it.
    ///   - reason: Why.
    ///   - at: When.
    public init(by: String, reason: String, at: Date) {
        self.by = by
        self.reason = reason
        self.at = at
    }
}
