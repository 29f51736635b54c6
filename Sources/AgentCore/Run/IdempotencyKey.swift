import Foundation

/// The key that makes re-running safe: two requests with the same key never both succeed.
///
/// Callers may supply their own key (any text of 1–256 characters without control characters).
/// Otherwise ``derive(agent:parameters:businessDate:nominalFireTime:)`` computes one as
///
/// ```
/// "v1:" + lowercase-hex( SHA-256( UTF-8(
///     "agent-runner/idempotency/v1" LF
///     agent-name LF
///     canonical-JSON(parameters) LF
///     business-date-or-empty LF
///     nominal-fire-time-or-empty ) ) )
/// ```
///
/// where the canonical JSON is ``JSONValue/canonicalText`` (sorted keys, no whitespace), the business
/// date is `YYYY-MM-DD` and the fire time is ``Timestamp/format(_:)`` (UTC, milliseconds). The function is
/// specified byte for byte, so any implementation in any language derives the same key.
public struct IdempotencyKey: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The longest key accepted, in characters.
    public static let maximumLength = 256

    /// The key's text.
    public let rawValue: String

    /// Wraps a caller-supplied key.
    /// - Parameter rawValue: The key text.
    /// - Throws: ``IdempotencyKeyError`` when the text is empty, too long or holds control characters.
    public init(_ rawValue: String) throws(IdempotencyKeyError) {
        guard !rawValue.isEmpty else { throw IdempotencyKeyError(reason: "an idempotency key must not be empty") }
        guard rawValue.count <= Self.maximumLength else {
            throw IdempotencyKeyError(
                reason:
                    "an idempotency key has at most \(Self.maximumLength) characters, this one has \(rawValue.count)")
        }
        guard !rawValue.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw IdempotencyKeyError(reason: "an idempotency key must not contain control characters")
        }
        self.rawValue = rawValue
    }

    private init(trusted: String) { rawValue = trusted }

    /// Derives the key of a request that did not bring one (see the type's documentation for the exact bytes).
    /// - Parameters:
    ///   - agent: The agent's name.
    ///   - parameters: The run's parameters; key order and whitespace do not matter.
    ///   - businessDate: The business date, if any.
    ///   - nominalFireTime: The nominal fire time of a scheduled run, so each fire has its own key.
    /// - Returns: `v1:` followed by 64 hexadecimal digits.
    public static func derive(
        agent: AgentName, parameters: JSONValue, businessDate: BusinessDate?, nominalFireTime: Date?
    ) -> IdempotencyKey {
        var material = "agent-runner/idempotency/v1\n"
        material += agent.rawValue + "\n"
        material += parameters.canonicalText + "\n"
        material += (businessDate?.description ?? "") + "\n"
        material += nominalFireTime.map(Timestamp.format) ?? ""
        return IdempotencyKey(trusted: "v1:" + SHA256.hexDigest(of: material.utf8))
    }

    /// The key's text.
    public var description: String { rawValue }

    /// Decodes and validates a key.
    /// - Throws: `DecodingError.dataCorrupted` when the stored text is not a valid key.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        do {
            self = try IdempotencyKey(try container.decode(String.self))
        } catch let error as IdempotencyKeyError {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.reason)
        }
    }

    /// Encodes the key's text.
    /// - Throws: Whatever the encoder throws.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// A caller-supplied idempotency key that cannot be used.
public struct IdempotencyKeyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Why the key was rejected.
    public let reason: String
    /// The reason.
    public var description: String { reason }
}
