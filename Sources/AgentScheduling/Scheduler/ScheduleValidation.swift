import AgentCore
import Foundation

/// A schedule that passed ``AgentScheduler/validate(_:from:count:)``: what it means and when it fires next.
public struct ScheduleValidation: Sendable, Hashable {
    /// The schedule in plain English.
    public var description: String
    /// The next fire times after the given instant (empty for a manual-only schedule).
    public var upcoming: [Date]

    /// Creates a validation result.
    /// - Parameters:
    ///   - description: The schedule in plain English.
    ///   - upcoming: The next fire times.
    public init(description: String, upcoming: [Date]) {
        self.description = description
        self.upcoming = upcoming
    }
}
