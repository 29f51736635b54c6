import AgentCore
import Foundation

/// Matches output lines against failure patterns and remembers the first matching line of each pattern.
struct OutputClassifier: Sendable {
    /// A compiled pattern.
    struct Compiled: Sendable {
        let source: FailurePattern
        let expression: NSRegularExpression
        let capturesRetryAfter: Bool
    }

    /// A pattern's first match.
    struct Match: Sendable, Hashable {
        /// The pattern's position in the configuration.
        let index: Int
        /// The pattern.
        let pattern: FailurePattern
        /// `stdout` or `stderr`.
        let stream: String
        /// The matching line (redacted, clipped to 500 characters).
        let line: String
        /// The captured or configured wait before a retry.
        let retryAfter: Duration?

        /// The match as it is written to `metadata.json`.
        var report: SubprocessReport.PatternMatch {
            var match = SubprocessReport.PatternMatch(
                pattern: pattern.pattern, failureClass: pattern.failureClass, stream: stream, line: line,
                retryAfterSeconds: retryAfter?.timeInterval)
            match.hint = pattern.hint
            return match
        }
    }

    private let patterns: [Compiled]
    private(set) var matches: [Int: Match] = [:]

    /// Compiles the patterns.
    /// - Parameter patterns: The configured patterns, in order.
    /// - Throws: ``SubprocessError`` for a pattern that does not compile.
    init(patterns: [FailurePattern]) throws(SubprocessError) {
        var compiled: [Compiled] = []
        for pattern in patterns {
            compiled.append(
                Compiled(
                    source: pattern, expression: try pattern.compile(),
                    capturesRetryAfter: pattern.pattern.contains("(?<retryAfter>")))
        }
        self.patterns = compiled
    }

    /// Whether there are no patterns.
    var isEmpty: Bool { patterns.isEmpty }

    /// Tests a line against every pattern that has not matched yet.
    /// - Parameters:
    ///   - line: The redacted line.
    ///   - standardError: Whether it came from standard error.
    mutating func inspect(_ line: String, standardError: Bool) {
        guard matches.count < patterns.count else { return }
        let range = NSRange(line.startIndex..<line.endIndex, in: line)
        for (index, pattern) in patterns.enumerated() where matches[index] == nil {
            guard pattern.source.stream.includes(standardError: standardError),
                let result = pattern.expression.firstMatch(in: line, options: [], range: range)
            else { continue }
            var retryAfter = pattern.source.retryAfter
            if pattern.capturesRetryAfter {
                let captured = result.range(withName: "retryAfter")
                if captured.location != NSNotFound, let swiftRange = Range(captured, in: line),
                    let parsed = Self.parseDuration(String(line[swiftRange]))
                {
                    retryAfter = parsed
                }
            }
            matches[index] = Match(
                index: index, pattern: pattern.source, stream: standardError ? "stderr" : "stdout",
                line: line.count > 500 ? String(line.prefix(500)) + "…" : line, retryAfter: retryAfter)
        }
    }

    /// The match that decides the run: the first configured pattern that matched, considering only
    /// patterns that apply to successful commands when the command succeeded.
    /// - Parameter commandSucceeded: Whether the command exited 0.
    /// - Returns: The deciding match, if any.
    func decidingMatch(commandSucceeded: Bool) -> Match? {
        matches.values.filter { !commandSucceeded || $0.pattern.appliesOnSuccess }.min { $0.index < $1.index }
    }

    /// Parses `30`, `30s`, `1.5 m`, `2 minutes`, `1h` into a duration.
    /// - Parameter text: The captured text.
    /// - Returns: The duration, or `nil` when the text is not a number with an optional unit.
    static func parseDuration(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let number = trimmed.prefix { $0.isNumber || $0 == "." }
        guard let value = Double(number), value.isFinite, value >= 0 else { return nil }
        let unit = trimmed.dropFirst(number.count).trimmingCharacters(in: .whitespaces)
        let multiplier: Double
        switch unit {
        case "", "s", "sec", "secs", "second", "seconds": multiplier = 1
        case "m", "min", "mins", "minute", "minutes": multiplier = 60
        case "h", "hr", "hrs", "hour", "hours": multiplier = 3600
        case "ms", "millisecond", "milliseconds": multiplier = 0.001
        default: return nil
        }
        return .interval(value * multiplier)
    }
}
