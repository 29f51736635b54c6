/// The stable, validated name of an agent.
///
/// A name is 1–63 characters long, starts with an ASCII letter or digit and continues with ASCII letters,
/// digits, `.`, `_` or `-`. That makes it safe as a file-path component (no `/`, no `..` prefix, no
/// hidden files) and as a label in logs, URLs and metrics.
///
/// There are two ways to make one, and they handle a bad name differently:
///
/// ```swift
/// let fixed: AgentName = "nightly-review"     // a literal: a bad one stops the program
/// let typed = try AgentName(input)            // a `String` value: a bad one throws AgentNameError
/// ```
///
/// A string literal, also one passed to the initializer (`AgentName("x/y")`, even with `try`), always uses
/// ``init(stringLiteral:)``: Swift builds the value from the literal directly. Use it for names written in
/// source code. Names that come from input (a file, a command line, a request) must be `String` values
/// passed to the throwing ``init(_:)``.
public struct AgentName: Sendable, Hashable, Comparable, Codable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    /// The longest name accepted, in characters.
    public static let maximumLength = 63

    /// The validated text of the name.
    public let rawValue: String

    /// Validates and wraps a name that comes from input.
    ///
    /// Pass a `String` value: with a string literal (`AgentName("x/y")`) Swift calls ``init(stringLiteral:)``
    /// instead, which traps on a bad name.
    /// - Parameter rawValue: The candidate name.
    /// - Throws: ``AgentNameError`` saying which rule the name breaks.
    public init(_ rawValue: String) throws(AgentNameError) {
        try Self.validate(rawValue)
        self.rawValue = rawValue
    }

    /// Creates a name from a literal written in source code.
    ///
    /// Used for `let name: AgentName = "x"` and also for `AgentName("x")` with a literal argument. A literal
    /// that breaks the naming rules is a programming error and stops the program with the reason
    /// (`invalid agent name literal: …`); names that come from input must use the throwing ``init(_:)``.
    /// - Parameter value: The literal name.
    public init(stringLiteral value: String) {
        do {
            try Self.validate(value)
        } catch {
            preconditionFailure("invalid agent name literal: \(error)")
        }
        self.rawValue = value
    }

    /// Checks a candidate name against the naming rules without creating a value.
    /// - Parameter candidate: The text to check.
    /// - Throws: ``AgentNameError`` describing the first rule the text breaks.
    public static func validate(_ candidate: String) throws(AgentNameError) {
        let bytes = Array(candidate.utf8)
        guard !bytes.isEmpty else {
            throw AgentNameError(name: candidate, reason: "a name must not be empty")
        }
        guard bytes.count <= maximumLength else {
            throw AgentNameError(
                name: candidate,
                reason: "a name has at most \(maximumLength) characters, this one has \(candidate.count)")
        }
        guard isAlphanumeric(bytes[0]) else {
            throw AgentNameError(name: candidate, reason: "a name must start with a letter or a digit")
        }
        for (offset, byte) in bytes.enumerated()
        where !(isAlphanumeric(byte) || byte == 0x2E || byte == 0x5F || byte == 0x2D) {
            let character = String(decoding: [byte], as: UTF8.self)
            let shown = byte < 0x80 && byte >= 0x20 ? "'\(character)'" : "a non-ASCII or control character"
            throw AgentNameError(
                name: candidate,
                reason: "\(shown) at position \(offset + 1) is not allowed; use letters, digits, '.', '_' or '-'")
        }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }

    /// The name itself.
    public var description: String { rawValue }

    /// Orders names by their text, byte by byte.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Decodes a name from a JSON string, validating it.
    /// - Throws: `DecodingError.dataCorrupted` naming the rule the stored name breaks.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            try Self.validate(text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
        self.rawValue = text
    }

    /// Encodes the name as a JSON string.
    /// - Throws: Whatever the encoder throws.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// Why a candidate agent name was rejected.
public struct AgentNameError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The rejected text.
    public let name: String
    /// The rule it breaks, phrased so the user knows how to fix it.
    public let reason: String

    /// Creates the error.
    /// - Parameters:
    ///   - name: The rejected text.
    ///   - reason: The rule it breaks.
    public init(name: String, reason: String) {
        self.name = name
        self.reason = reason
    }

    /// `invalid agent name "x/y": '/' at position 2 is not allowed; …`
    public var description: String { "invalid agent name \"\(name)\": \(reason)" }
}
