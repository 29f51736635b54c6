/// Where a pause or a resume came from.
public struct ControlOrigin: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The origin's name, as written in JSON lines.
    public let rawValue: String
    /// Creates an origin from its name.
    /// - Parameter rawValue: The name.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// This scheduler decided (a call on it, or an automatic pause).
    public static let scheduler = ControlOrigin(rawValue: "scheduler")
    /// Another process wrote it to the shared store (for example `agentctl pause`).
    public static let store = ControlOrigin(rawValue: "store")

    /// The name.
    public var description: String { rawValue }

    /// Decodes the name.
    /// - Throws: `DecodingError` when the value is not a string.
    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    /// Encodes the name.
    /// - Throws: Whatever the encoder throws.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
