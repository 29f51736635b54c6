import AgentCore
import Foundation

/// How a coding tool's token usage is read from what it printed, into the run's counters `inputTokens`,
/// `outputTokens`, `totalTokens` and `costMicroUSD` (the cost in millionths of a US dollar).
///
/// - ``json(_:)``: paths into the tool's JSON output. Standard output is read as one JSON document or, when
///   it is not one, as JSON Lines (each line that is an object); the values a path finds in every document are
///   added up. A path is dot-separated keys; `*` stands for every member of an object or element of an array
///   (`stats.models.*.tokens.prompt`), and numeric segments index arrays.
/// - ``patterns(_:)``: regular expressions with named groups `inputTokens`, `outputTokens`, `totalTokens`
///   and `cost`, matched against every line of standard output and standard error; the matches are added up.
///   Numbers may contain thousands separators (`1,234`).
///
/// When `totalTokens` is not found but both input and output are, it is their sum. A cost is given in dollars
/// (`0.0123`) and stored as `costMicroUSD` (`12300`).
///
/// ```json
/// "usage": {"inputTokens": "usage.input_tokens", "outputTokens": "usage.output_tokens", "cost": "total_cost_usd"}
/// "usage": {"patterns": ["tokens used: (?<totalTokens>[\\d,]+)"]}
/// ```
public enum TokenUsageRule: Sendable, Hashable {
    /// The counters a rule can fill, by the name used in configuration and patterns.
    public static let fieldNames = ["inputTokens", "outputTokens", "totalTokens", "cost"]
    /// The counter names written to the run record.
    public static let counterNames = ["inputTokens", "outputTokens", "totalTokens", "costMicroUSD"]

    /// JSON paths by field name (`inputTokens`, `outputTokens`, `totalTokens`, `cost`).
    case json([String: String])
    /// Regular expressions with named groups.
    case patterns([String])

    /// Checks the rule: known field names, non-empty paths, compilable expressions with at least one known group.
    /// - Returns: The problems, each naming the bad part and how to fix it.
    public func problems() -> [String] {
        switch self {
        case .json(let paths):
            var problems: [String] = []
            if paths.isEmpty { problems.append("name at least one of \(Self.fieldNames.joined(separator: ", "))") }
            for (field, path) in paths
            where path.isEmpty || path.split(separator: ".", omittingEmptySubsequences: false).contains("") {
                problems.append(
                    "the path of \(field) \"\(path)\" is empty or has an empty segment; write keys separated by dots, such as usage.input_tokens"
                )
            }
            return problems
        case .patterns(let expressions):
            var problems: [String] = []
            if expressions.isEmpty { problems.append("give at least one pattern") }
            for expression in expressions {
                do {
                    _ = try NSRegularExpression(pattern: expression)
                } catch {
                    problems.append("\"\(expression)\" is not a valid regular expression")
                    continue
                }
                if !Self.fieldNames.contains(where: { expression.contains("(?<\($0)>") }) {
                    problems.append(
                        "\"\(expression)\" has no named group; name one of \(Self.fieldNames.map { "(?<\($0)>…)" }.joined(separator: ", "))"
                    )
                }
            }
            return problems
        }
    }

    /// Reads the usage from a run's output.
    /// - Parameters:
    ///   - standardOutput: What the tool printed on standard output.
    ///   - standardError: What it printed on standard error.
    /// - Returns: The counters found (`inputTokens`, `outputTokens`, `totalTokens`, `costMicroUSD`); empty when
    ///   the output holds none.
    public func extract(standardOutput: String, standardError: String) -> [String: Int64] {
        var sums: [String: Double] = [:]
        switch self {
        case .json(let paths):
            for document in Self.documents(standardOutput) {
                for (field, path) in paths {
                    let values = Self.values(at: path.split(separator: ".").map(String.init), in: document)
                    if !values.isEmpty { sums[field, default: 0] += values.reduce(0, +) }
                }
            }
        case .patterns(let expressions):
            let compiled = expressions.compactMap { try? NSRegularExpression(pattern: $0) }
            for text in [standardOutput, standardError] {
                for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
                    let line = String(line)
                    let range = NSRange(line.startIndex..<line.endIndex, in: line)
                    for expression in compiled {
                        guard let match = expression.firstMatch(in: line, range: range) else { continue }
                        for field in Self.fieldNames {
                            let captured = match.range(withName: field)
                            guard captured.location != NSNotFound, let swiftRange = Range(captured, in: line),
                                let number = Double(line[swiftRange].replacingOccurrences(of: ",", with: ""))
                            else { continue }
                            sums[field, default: 0] += number
                        }
                    }
                }
            }
        }
        var counters: [String: Int64] = [:]
        for field in ["inputTokens", "outputTokens", "totalTokens"] {
            if let value = sums[field], value.isFinite { counters[field] = Int64(value.rounded()) }
        }
        if counters["totalTokens"] == nil, let input = counters["inputTokens"], let output = counters["outputTokens"] {
            counters["totalTokens"] = input + output
        }
        if let cost = sums["cost"], cost.isFinite { counters["costMicroUSD"] = Int64((cost * 1_000_000).rounded()) }
        return counters
    }

    /// Standard output as JSON documents: the whole text when it is one, else each line that is an object.
    private static func documents(_ text: String) -> [JSONValue] {
        if let whole = try? JSONValue.parse(text) { return [whole] }
        return text.split(separator: "\n").compactMap { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("{") else { return nil }
            return try? JSONValue.parse(trimmed)
        }
    }

    /// The numbers a path finds in a document (`*` fans out over members and elements).
    private static func values(at path: [String], in value: JSONValue) -> [Double] {
        guard let first = path.first else {
            switch value {
            case .integer(let number): return [Double(number)]
            case .double(let number): return [number]
            case .string(let text): return Double(text).map { [$0] } ?? []
            default: return []
            }
        }
        let rest = Array(path.dropFirst())
        switch value {
        case .object(let members):
            if first == "*" { return members.values.flatMap { values(at: rest, in: $0) } }
            return members[first].map { values(at: rest, in: $0) } ?? []
        case .array(let elements):
            if first == "*" { return elements.flatMap { values(at: rest, in: $0) } }
            guard let index = Int(first), elements.indices.contains(index) else { return [] }
            return values(at: rest, in: elements[index])
        default:
            return []
        }
    }
}
