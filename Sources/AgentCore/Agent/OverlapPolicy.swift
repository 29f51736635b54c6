/// What happens when a run of an agent is due while another run of the same agent is active.
public struct OverlapPolicy: Sendable, Hashable, Codable, CustomStringConvertible {
    private enum Storage: String, Sendable, Hashable, Codable {
        case skip, queue, replace, allow
    }

    private let storage: Storage

    /// Record the new run as `skipped` (the default: at most one active run per agent).
    public static let skip = OverlapPolicy(storage: .skip)
    /// Start the new run after the active one ends.
    public static let queue = OverlapPolicy(storage: .queue)
    /// Cancel the active run, then start the new one.
    public static let replace = OverlapPolicy(storage: .replace)
    /// Run both at once.
    public static let allow = OverlapPolicy(storage: .allow)

    private init(storage: Storage) { self.storage = storage }

    /// Parses `skip`, `queue`, `replace` or `allow`.
    /// - Parameter name: The policy's name.
    public init?(name: String) {
        guard let storage = Storage(rawValue: name) else { return nil }
        self.storage = storage
    }

    /// The policy's name.
    public var description: String { storage.rawValue }

    /// Decodes the policy's name.
    /// - Throws: `DecodingError` for an unknown name.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let name = try container.decode(String.self)
        guard let policy = OverlapPolicy(name: name) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "unknown overlap policy \"\(name)\"; expected skip, queue, replace or allow")
        }
        self = policy
    }

    /// Encodes the policy's name.
    /// - Throws: Whatever the encoder throws.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(storage.rawValue)
    }
}
