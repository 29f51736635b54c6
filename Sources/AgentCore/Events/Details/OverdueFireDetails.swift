import Foundation

/// The payload of ``RunEvent/Kind/fireOverdue``: a scheduled fire that has no run record long after it was due.
public struct OverdueFireDetails: Sendable, Hashable, Codable {
    /// The fire's nominal time.
    public var fire: Date
    /// When it became overdue: the fire plus the grace period.
    public var overdueSince: Date

    /// Creates the payload.
    /// - Parameters:
    ///   - fire: The fire's nominal time.
    ///   - overdueSince: The fire plus the grace period.
    public init(fire: Date, overdueSince: Date) {
        self.fire = fire
        self.overdueSince = overdueSince
    }
}
