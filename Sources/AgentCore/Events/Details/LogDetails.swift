/// The payload of ``RunEvent/Kind/runLog``: the line's level and the agent's own structured fields.
public struct LogDetails: Sendable, Hashable, Codable {
    /// `debug`, `info`, `warning` or `error`.
    public var level: String
    /// Structured fields the agent attached to the line.
    public var fields: [String: String]

    /// Creates the payload.
    /// - Parameters:
    ///   - level: The line's level.
    ///   - fields: The agent's structured fields.
    public init(level: String, fields: [String: String] = [:]) {
        self.level = level
        self.fields = fields
    }
}
