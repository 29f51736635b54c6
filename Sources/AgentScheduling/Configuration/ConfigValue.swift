/// A string setting given literally or taken from agentctl's own environment, and possibly secret.
///
/// In the file:
/// - `"debug"` — a literal, not secret;
/// - `{"value": "hunter2", "secret": true}` — a literal that is never written to logs or records;
/// - `{"fromEnv": "SLACK_WEBHOOK_URL", "secret": true}` — read from agentctl's environment when a run starts
///   (`serve`, `run`, `backfill`); the variable must be set then. `"secret"` defaults to `false` for `value`
///   and to `true` for `fromEnv`, since that form exists to keep secrets out of the file.
public struct ConfigValue: Sendable, Equatable {
    /// Where the value comes from.
    public enum Source: Sendable, Equatable {
        /// Written in the file.
        case literal(String)
        /// Read from the named environment variable.
        case environment(String)
    }

    /// Where the value comes from.
    public var source: Source
    /// Whether the value is kept out of logs, records and output (replaced by `[REDACTED]`).
    public var isSecret: Bool

    /// A literal, public value.
    public static func literal(_ value: String) -> ConfigValue { ConfigValue(source: .literal(value), isSecret: false) }

    /// Resolves the value against an environment.
    /// - Returns: The text, or `nil` when it comes from a variable that is not set.
    public func resolve(in environment: [String: String]) -> String? {
        switch source {
        case .literal(let value): value
        case .environment(let name): environment[name]
        }
    }

    /// Reads a value at `path`; reports problems and returns `nil` when it is malformed.
    package static func read(_ node: JSONNode, path: String, problems: ConfigReader.Problems) -> ConfigValue? {
        switch node.value {
        case .string(let value):
            return .literal(value)
        case .object:
            guard let reader = ConfigReader(node, path: path, problems: problems) else { return nil }
            defer { reader.finish() }
            let literal = reader.string("value")
            let variable = reader.nonEmptyString("fromEnv")
            let secret = reader.bool("secret")
            switch (literal, variable) {
            case (let value?, nil):
                return ConfigValue(source: .literal(value), isSecret: secret ?? false)
            case (nil, let name?):
                guard EnvironmentName.isValid(name) else {
                    reader.report("fromEnv", "\"\(name)\" is not an environment variable name (letters, digits, _)")
                    return nil
                }
                return ConfigValue(source: .environment(name), isSecret: secret ?? true)
            case (.some, .some):
                reader.report(nil, "give either \"value\" or \"fromEnv\", not both")
                return nil
            case (nil, nil):
                if !reader.has("value") && !reader.has("fromEnv") {
                    reader.report(nil, "give \"value\": \"…\" or \"fromEnv\": \"VARIABLE\"")
                }
                return nil
            }
        default:
            problems.report(
                path,
                "expected a string, {\"value\": …, \"secret\": true} or {\"fromEnv\": \"VARIABLE\"}, found "
                    + node.kindDescription, at: node)
            return nil
        }
    }
}

/// Environment variable names: `[A-Za-z_][A-Za-z0-9_]*`.
public enum EnvironmentName {
    /// Whether a name is a valid environment variable name.
    /// - Parameter name: The name.
    /// - Returns: `true` for `[A-Za-z_][A-Za-z0-9_]*`.
    public static func isValid(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.isASCII,
            first == "_" || (first.properties.isAlphabetic)
        else { return false }
        return name.unicodeScalars.allSatisfy {
            $0.isASCII && ($0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0))
        }
    }
}
