import AgentCore
import Foundation

/// A rule that classifies a run by what its command printed: a regular expression matched against each
/// line of standard output and/or standard error.
///
/// Patterns are tried in the order they are configured and the **first pattern that matches any line
/// wins** (put `rateLimited` rules before broad `transient` ones). By default a pattern only classifies a
/// run whose command failed (non-zero exit or killed by a signal); set ``appliesOnSuccess`` for tools
/// that print "usage limit reached" and still exit 0. Timeouts are always `timedOut`.
///
/// Lines are matched after secret values were redacted, one line at a time (the first 4 KiB of each
/// line), case-insensitively unless ``isCaseSensitive``. A named group `retryAfter` in a
/// ``AgentCore/FailureClass/rateLimited`` pattern captures how long to wait before a retry: a number of
/// seconds, or a number followed by a unit (`s`, `sec`, `seconds`, `m`, `min`, `minutes`, `h`, `hours`).
///
/// ```swift
/// FailurePattern(#"usage limit|rate limit"#, class: .rateLimited, retryAfter: .seconds(3600))
/// FailurePattern(#"try again in (?<retryAfter>\d+ ?(s|m|h))"#, class: .rateLimited)
/// FailurePattern(#"model not found"#, class: .permanent)
/// ```
///
/// In JSON: `{"pattern": "usage limit", "class": "rateLimited", "stream": "stderr", "caseSensitive": false,
/// "appliesOnSuccess": false, "retryAfterSeconds": 3600, "hint": "wait or use another tool"}` (only `pattern`
/// and `class` are required; unknown keys are rejected).
public struct FailurePattern: Sendable, Hashable, Codable {
    /// Which output a pattern looks at.
    public struct Stream: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        /// `stdout`, `stderr` or `any`.
        public let rawValue: String
        /// Creates a stream selector from its name.
        /// - Parameter rawValue: `stdout`, `stderr` or `any`; anything else is rejected by ``FailurePattern/validate()``.
        public init(rawValue: String) { self.rawValue = rawValue }

        /// Standard output only.
        public static let stdout = Stream(rawValue: "stdout")
        /// Standard error only.
        public static let stderr = Stream(rawValue: "stderr")
        /// Both.
        public static let any = Stream(rawValue: "any")

        /// The name.
        public var description: String { rawValue }

        /// Decodes the name.
        /// - Throws: `DecodingError` when it is not `stdout`, `stderr` or `any`.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard [Self.stdout, .stderr, .any].map(\.rawValue).contains(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "stream \"\(text)\" is unknown; use stdout, stderr or any")
            }
            rawValue = text
        }

        /// Encodes the name.
        /// - Throws: Whatever the encoder throws.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(rawValue)
        }

        func includes(standardError: Bool) -> Bool {
            self == .any || (standardError ? self == .stderr : self == .stdout)
        }
    }

    /// The regular expression (ICU syntax, as `NSRegularExpression`).
    public var pattern: String
    /// How a matching run is classified: ``AgentCore/FailureClass/rateLimited``,
    /// ``AgentCore/FailureClass/permanent`` or ``AgentCore/FailureClass/transient``.
    public var failureClass: FailureClass
    /// Which output is matched (default ``Stream/any``).
    public var stream: Stream
    /// Whether matching is case-sensitive (default `false`).
    public var isCaseSensitive: Bool
    /// Whether a match also fails a command that exited 0 (default `false`).
    public var appliesOnSuccess: Bool
    /// For rate limits: the wait before a retry when the pattern captures none (`nil`: the retry policy's backoff).
    public var retryAfter: Duration?
    /// What to do about a run this pattern classified (`"update the model in the tool preset"`); appended to the
    /// run's error message as `hint: …`, so `show`, `runs`, notifications and `summary.txt` carry it.
    public var hint: String? = nil

    /// Creates a pattern.
    /// - Parameters:
    ///   - pattern: The regular expression.
    ///   - failureClass: How a matching run is classified.
    ///   - stream: Which output is matched.
    ///   - isCaseSensitive: Whether matching is case-sensitive.
    ///   - appliesOnSuccess: Whether a match fails a command that exited 0.
    ///   - retryAfter: For rate limits, the wait before a retry when nothing is captured.
    public init(
        _ pattern: String, class failureClass: FailureClass, stream: Stream = .any, isCaseSensitive: Bool = false,
        appliesOnSuccess: Bool = false, retryAfter: Duration? = nil
    ) {
        self.pattern = pattern
        self.failureClass = failureClass
        self.stream = stream
        self.isCaseSensitive = isCaseSensitive
        self.appliesOnSuccess = appliesOnSuccess
        self.retryAfter = retryAfter
    }

    /// Checks that the expression compiles, the class is one a pattern may assign and the stream is known.
    /// - Throws: ``SubprocessError`` with ``SubprocessError/Code/invalidPattern`` naming the pattern and the problem.
    public func validate() throws(SubprocessError) {
        _ = try compile()
    }

    func compile() throws(SubprocessError) -> NSRegularExpression {
        guard [FailureClass.rateLimited, .permanent, .transient].contains(failureClass) else {
            throw SubprocessError(
                .invalidPattern,
                "pattern \"\(pattern)\" has class \(failureClass); a pattern may classify as rateLimited, permanent or transient"
            )
        }
        guard [Stream.stdout, .stderr, .any].contains(stream) else {
            throw SubprocessError(
                .invalidPattern, "pattern \"\(pattern)\" has stream \"\(stream)\"; use stdout, stderr or any")
        }
        if let retryAfter, retryAfter < .zero {
            throw SubprocessError(.invalidPattern, "pattern \"\(pattern)\" has a negative retryAfter")
        }
        guard !pattern.isEmpty else {
            throw SubprocessError(.invalidPattern, "a failure pattern is empty; write the text to look for")
        }
        do {
            return try NSRegularExpression(pattern: pattern, options: isCaseSensitive ? [] : [.caseInsensitive])
        } catch {
            throw SubprocessError(
                .invalidPattern,
                "pattern \"\(pattern)\" is not a valid regular expression (\(error.localizedDescription)); escape special characters such as ( [ . * + ? with a backslash"
            )
        }
    }

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case pattern
        case failureClass = "class"
        case stream, caseSensitive, appliesOnSuccess, retryAfterSeconds, hint
    }

    /// Decodes a pattern from JSON, rejecting unknown keys (see the type's documentation for the keys).
    /// - Throws: `DecodingError` naming the bad key.
    public init(from decoder: any Decoder) throws {
        try StrictCodingKeys.rejectUnknownKeys(
            in: decoder, allowed: CodingKeys.allCases.map(\.stringValue), type: "a failure pattern")
        let container = try decoder.container(keyedBy: CodingKeys.self)
        pattern = try container.decode(String.self, forKey: .pattern)
        failureClass = try container.decode(FailureClass.self, forKey: .failureClass)
        stream = try container.decodeIfPresent(Stream.self, forKey: .stream) ?? .any
        isCaseSensitive = try container.decodeIfPresent(Bool.self, forKey: .caseSensitive) ?? false
        appliesOnSuccess = try container.decodeIfPresent(Bool.self, forKey: .appliesOnSuccess) ?? false
        if let seconds = try container.decodeIfPresent(Double.self, forKey: .retryAfterSeconds) {
            guard seconds.isFinite, seconds >= 0 else {
                throw DecodingError.dataCorruptedError(
                    forKey: .retryAfterSeconds, in: container,
                    debugDescription: "retryAfterSeconds must be a non-negative number")
            }
            retryAfter = .interval(seconds)
        } else {
            retryAfter = nil
        }
        hint = try container.decodeIfPresent(String.self, forKey: .hint)
    }

    /// Encodes the pattern with the keys described in the type's documentation.
    /// - Throws: Whatever the encoder throws.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(pattern, forKey: .pattern)
        try container.encode(failureClass, forKey: .failureClass)
        if stream != .any { try container.encode(stream, forKey: .stream) }
        if isCaseSensitive { try container.encode(true, forKey: .caseSensitive) }
        if appliesOnSuccess { try container.encode(true, forKey: .appliesOnSuccess) }
        try container.encodeIfPresent(retryAfter?.timeInterval, forKey: .retryAfterSeconds)
        try container.encodeIfPresent(hint, forKey: .hint)
    }
}
