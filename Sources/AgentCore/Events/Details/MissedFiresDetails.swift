import Foundation

/// The payload of ``RunEvent/Kind/scheduleMissed``: fires that passed while nothing ran them.
public struct MissedFiresDetails: Sendable, Hashable, Codable {
    /// How many fires were missed.
    public var missed: Int
    /// How many of them run late (caught up) under the misfire policy.
    public var caughtUp: Int
    /// How many were skipped.
    public var skipped: Int
    /// How many skipped fires were recorded as `skipped` runs.
    public var recorded: Int
    /// The agent's misfire policy, by name.
    public var misfirePolicy: String
    /// The first missed fire.
    public var firstMissed: Date?
    /// The last missed fire.
    public var lastMissed: Date?

    /// Creates the payload.
    /// - Parameters:
    ///   - missed: Fires missed.
    ///   - caughtUp: Fires that run late.
    ///   - skipped: Fires skipped.
    ///   - recorded: Skipped fires recorded as runs.
    ///   - misfirePolicy: The misfire policy's name.
    ///   - firstMissed: The first missed fire.
    ///   - lastMissed: The last missed fire.
    public init(
        missed: Int, caughtUp: Int, skipped: Int, recorded: Int, misfirePolicy: String, firstMissed: Date?,
        lastMissed: Date?
    ) {
        self.missed = missed
        self.caughtUp = caughtUp
        self.skipped = skipped
        self.recorded = recorded
        self.misfirePolicy = misfirePolicy
        self.firstMissed = firstMissed
        self.lastMissed = lastMissed
    }
}
