import Foundation

/// The payload of ``RunEvent/Kind/slaBreached``: which service-level rule an agent broke, and when it was due.
public struct ServiceLevelBreach: Sendable, Hashable, Codable {
    /// A service-level rule.
    public enum Rule: String, Sendable, Hashable, Codable {
        /// A run was still going after the agent's ``ServiceLevel/maxDuration``.
        case maxDuration
        /// No run of the agent had succeeded by the day's ``ServiceLevel/mustSucceedBy`` time.
        case mustSucceedBy
    }

    /// The rule that was broken.
    public var rule: Rule
    /// When the rule was due: the run's start plus `maxDuration`, or the day's `mustSucceedBy` instant.
    public var deadline: Date
    /// For ``Rule/mustSucceedBy``: the local day (`2026-03-14`) in the agent's schedule time zone.
    public var day: String?

    /// Creates the payload.
    /// - Parameters:
    ///   - rule: The rule that was broken.
    ///   - deadline: When it was due.
    ///   - day: The local day, for `mustSucceedBy`.
    public init(rule: Rule, deadline: Date, day: String? = nil) {
        self.rule = rule
        self.deadline = deadline
        self.day = day
    }
}
