import Foundation

/// Reads one JSON object of the configuration strictly: every accessor checks the type of its member and records
/// a ``ConfigProblem`` with the member's JSON path when it is wrong, and ``finish()`` reports every key that no
/// accessor asked for as unknown (with a "did you mean" suggestion), so a typo never passes silently.
///
/// Readers never stop at the first problem: a wrong value is reported and read as absent, so one pass finds
/// everything.
package final class ConfigReader {
    /// Where problems are collected, shared by every reader of one document.
    package final class Problems {
        private(set) var list: [ConfigProblem] = []

        /// The problems in file order (those without a position first).
        package var sorted: [ConfigProblem] {
            list.enumerated().sorted { left, right in
                let a = (left.element.line ?? 0, left.element.column ?? 0, left.offset)
                let b = (right.element.line ?? 0, right.element.column ?? 0, right.offset)
                return a < b
            }.map(\.element)
        }

        package func report(_ path: String, _ message: String, at node: JSONNode?) {
            list.append(ConfigProblem(path: path, message: message, line: node?.line, column: node?.column))
        }
    }

    /// The object's JSON path (`agents[2]`; empty for the document).
    package let path: String
    package let node: JSONNode
    package let problems: Problems
    private let members: [JSONNode.Member]
    private var known: [String] = []

    /// A reader of `node`, or `nil` (with a problem reported) when it is not an object.
    package init?(_ node: JSONNode, path: String, problems: Problems) {
        guard case .object(let members) = node.value else {
            problems.report(path, "expected an object ({…}), found \(node.kindDescription)", at: node)
            return nil
        }
        self.node = node
        self.path = path
        self.problems = problems
        self.members = members
    }

    /// The path of a member: `agents[2].schedule`, or `env["MY VAR"]` for keys that are not plain names.
    package static func path(_ base: String, key: String) -> String {
        let plain = !key.isEmpty && key.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
        if plain { return base.isEmpty ? key : "\(base).\(key)" }
        let quoted = "\"" + key.replacingOccurrences(of: "\"", with: "\\\"") + "\""
        return "\(base)[\(quoted)]"
    }

    /// The path of a member of this object.
    package func path(_ key: String) -> String { Self.path(path, key: key) }

    /// Reports a problem about a member (or the object itself when `key` is nil).
    package func report(_ key: String?, _ message: String) {
        let target = key.flatMap { member($0) }
        problems.report(key.map(path) ?? path, message, at: target ?? node)
    }

    /// The raw member, marking the key as known. `null` counts as absent.
    package func member(_ key: String) -> JSONNode? {
        if !known.contains(key) { known.append(key) }
        guard let node = members.first(where: { $0.key == key })?.node else { return nil }
        if case .null = node.value { return nil }
        return node
    }

    /// Whether the member is present (and not `null`).
    package func has(_ key: String) -> Bool { member(key) != nil }

    /// The keys present in this object, in file order.
    package var keys: [String] { members.map(\.key) }

    /// Reports a missing member that is required.
    private func requirePresent(_ key: String, _ what: String) {
        problems.report(path, "missing \"\(key)\" (\(what))", at: node)
    }

    /// A string member.
    package func string(_ key: String, required: String? = nil) -> String? {
        guard let node = member(key) else {
            if let required { requirePresent(key, required) }
            return nil
        }
        guard case .string(let value) = node.value else {
            problems.report(path(key), "expected a string, found \(node.kindDescription)", at: node)
            return nil
        }
        return value
    }

    /// A non-empty string member.
    package func nonEmptyString(_ key: String, required: String? = nil) -> String? {
        guard let value = string(key, required: required) else { return nil }
        guard !value.trimmingCharacters(in: .whitespaces).isEmpty else {
            report(key, "must not be empty")
            return nil
        }
        return value
    }

    /// A boolean member.
    package func bool(_ key: String) -> Bool? {
        guard let node = member(key) else { return nil }
        guard case .bool(let value) = node.value else {
            problems.report(path(key), "expected true or false, found \(node.kindDescription)", at: node)
            return nil
        }
        return value
    }

    /// A whole-number member within `range`.
    package func integer(_ key: String, in range: ClosedRange<Int>) -> Int? {
        guard let node = member(key) else { return nil }
        return Self.integer(node, path: path(key), in: range, problems: problems)
    }

    /// A whole number within `range`, checked at `path`.
    package static func integer(_ node: JSONNode, path: String, in range: ClosedRange<Int>, problems: Problems) -> Int?
    {
        let value: Int?
        switch node.value {
        case .integer(let integer): value = Int(exactly: integer)
        case .double(let double) where double.rounded() == double: value = Int(exactly: double)
        default:
            problems.report(path, "expected a whole number, found \(node.kindDescription)", at: node)
            return nil
        }
        guard let value, range.contains(value) else {
            let shown = Self.numberText(node)
            let upper = range.upperBound == Int.max ? "or more" : "to \(range.upperBound)"
            problems.report(path, "\(shown) is out of range: use \(range.lowerBound) \(upper)", at: node)
            return nil
        }
        return value
    }

    /// A number member within `range`.
    package func number(_ key: String, in range: ClosedRange<Double>) -> Double? {
        guard let node = member(key) else { return nil }
        let value: Double
        switch node.value {
        case .integer(let integer): value = Double(integer)
        case .double(let double): value = double
        default:
            problems.report(path(key), "expected a number, found \(node.kindDescription)", at: node)
            return nil
        }
        guard range.contains(value) else {
            problems.report(
                path(key), "\(Self.numberText(node)) is out of range \(range.lowerBound)-\(range.upperBound)", at: node)
            return nil
        }
        return value
    }

    /// A duration member: a string such as `"30s"` or a number of seconds; at least `minimum`.
    package func duration(_ key: String, minimum: Duration = .zero) -> Duration? {
        guard let node = member(key) else { return nil }
        return Self.duration(node, path: path(key), minimum: minimum, problems: problems)
    }

    /// A duration at `path`.
    package static func duration(_ node: JSONNode, path: String, minimum: Duration, problems: Problems) -> Duration? {
        let parsed: Duration?
        switch node.value {
        case .string(let text): parsed = DurationText.parse(text)
        case .integer(let integer): parsed = DurationText.seconds(Double(integer))
        case .double(let double): parsed = DurationText.seconds(double)
        default:
            problems.report(path, "expected \(DurationText.expected), found \(node.kindDescription)", at: node)
            return nil
        }
        guard let parsed else {
            problems.report(path, "\(Self.text(node)) is not \(DurationText.expected)", at: node)
            return nil
        }
        guard parsed >= minimum else {
            problems.report(
                path, "\(Self.text(node)) is too short: use at least \(DurationText.format(minimum))", at: node)
            return nil
        }
        return parsed
    }

    /// An object member.
    package func object(_ key: String) -> ConfigReader? {
        guard let node = member(key) else { return nil }
        return ConfigReader(node, path: path(key), problems: problems)
    }

    /// An array member, as its elements with their paths.
    package func array(_ key: String) -> [(path: String, node: JSONNode)]? {
        guard let node = member(key) else { return nil }
        guard case .array(let elements) = node.value else {
            problems.report(path(key), "expected an array ([…]), found \(node.kindDescription)", at: node)
            return nil
        }
        return elements.enumerated().map { ("\(path(key))[\($0.offset)]", $0.element) }
    }

    /// An array of strings.
    package func strings(_ key: String) -> [String]? {
        guard let elements = array(key) else { return nil }
        var result: [String] = []
        for (path, node) in elements {
            guard case .string(let value) = node.value else {
                problems.report(path, "expected a string, found \(node.kindDescription)", at: node)
                continue
            }
            result.append(value)
        }
        return result
    }

    /// A string member that must be one of `choices`.
    package func choice(_ key: String, _ choices: [String]) -> String? {
        guard let value = string(key) else { return nil }
        guard choices.contains(value) else {
            report(key, "\"\(value)\" is not one of \(choices.map { "\"\($0)\"" }.joined(separator: ", "))")
            return nil
        }
        return value
    }

    /// Reports every key no accessor asked for.
    package func finish() {
        for member in members where !known.contains(member.key) {
            var message = "unknown key \"\(member.key)\""
            if let suggestion = Self.closest(to: member.key, in: known) {
                message += "; did you mean \"\(suggestion)\"?"
            } else {
                message += "; known keys here: \(known.joined(separator: ", "))"
            }
            problems.report(
                path(member.key), message, at: JSONNode(value: .null, line: member.keyLine, column: member.keyColumn))
        }
    }

    /// The known key nearest to a misspelt one, if it is close enough to be a typo.
    package static func closest(to key: String, in candidates: [String]) -> String? {
        let lowered = key.lowercased()
        let scored = candidates.map { ($0, distance(lowered, $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        return best.1 <= max(1, min(3, key.count / 3)) ? best.0 : nil
    }

    /// Levenshtein distance.
    private static func distance(_ left: String, _ right: String) -> Int {
        let a = Array(left)
        let b = Array(right)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }

    /// A number as written.
    private static func numberText(_ node: JSONNode) -> String {
        switch node.value {
        case .integer(let value): String(value)
        case .double(let value): String(value)
        default: node.kindDescription
        }
    }

    /// A scalar as written, for messages.
    package static func text(_ node: JSONNode) -> String {
        switch node.value {
        case .string(let value): "\"\(value)\""
        default: numberText(node)
        }
    }
}
