/// The payload of ``RunEvent/Kind/schedulerStateChanged``.
public struct SchedulerStateChange: Sendable, Hashable, Codable {
    /// The state before, as its name (`starting`, `running`, `error`, …).
    public var from: String
    /// The state after.
    public var to: String
    /// For a change to `error`: what the store said.
    public var error: String?

    /// Creates the payload.
    /// - Parameters:
    ///   - from: The state before.
    ///   - to: The state after.
    ///   - error: The store's error, when entering `error`.
    public init(from: String, to: String, error: String? = nil) {
        self.from = from
        self.to = to
        self.error = error
    }
}
