/// The payload of ``RunEvent/Kind/toolCall``: one tool an agent called (a coding agent's `edit_file`, a
/// search, a shell command).
public struct ToolCallDetails: Sendable, Hashable, Codable {
    /// How a tool call ended.
    public struct Outcome: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        /// The outcome's name, as written in JSON lines.
        public let rawValue: String
        /// Creates an outcome from its name.
        /// - Parameter rawValue: The name.
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The tool did what was asked.
        public static let succeeded = Outcome(rawValue: "succeeded")
        /// The tool reported an error.
        public static let failed = Outcome(rawValue: "failed")
        /// The call was refused before it ran (a permission or a policy).
        public static let denied = Outcome(rawValue: "denied")

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

    /// The tool's name.
    public var name: String
    /// A short, human-readable summary of the input (never a secret; keep it to a line).
    public var inputSummary: String?
    /// How long the call took, if measured.
    public var duration: Duration?
    /// How the call ended.
    public var outcome: Outcome

    /// Creates the payload.
    /// - Parameters:
    ///   - name: The tool's name.
    ///   - inputSummary: A short summary of the input.
    ///   - duration: How long the call took.
    ///   - outcome: How it ended.
    public init(name: String, inputSummary: String? = nil, duration: Duration? = nil, outcome: Outcome = .succeeded) {
        self.name = name
        self.inputSummary = inputSummary
        self.duration = duration
        self.outcome = outcome
    }
}
