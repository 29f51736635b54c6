/// The environment of a subprocess: the parent's variables (optionally), overrides, and which values are secret.
///
/// Values of variables named in ``secretNames`` are handed to the child unchanged but never written
/// anywhere: the agent replaces every occurrence of them in captured output, log files, `metadata.json`,
/// `summary.txt`, the run record and events with ``SubprocessEnvironment/redactionMarker``. A secret may be
/// an override or an inherited variable (mark `GITHUB_TOKEN` secret without overriding it).
///
/// ```swift
/// var environment = SubprocessEnvironment()
/// environment.set("MODEL", to: "sonnet")
/// environment.set("API_TOKEN", to: token, secret: true)
/// ```
public struct SubprocessEnvironment: Sendable, Hashable {
    /// The text that replaces secret values wherever they would be written.
    public static let redactionMarker = "[REDACTED]"

    /// Whether the child starts from the parent environment given to the agent (default `true`);
    /// when `false` it gets only ``overrides``.
    public var inheritsParent: Bool
    /// Variables to set (replacing inherited values of the same name).
    public var overrides: [String: String]
    /// Variables to remove from the inherited environment.
    public var removals: Set<String>
    /// Names of variables whose values are secret.
    public var secretNames: Set<String>

    /// Creates an environment description.
    /// - Parameters:
    ///   - inheritsParent: Whether to start from the parent's variables (default `true`).
    ///   - overrides: Variables to set.
    ///   - removals: Inherited variables to remove.
    ///   - secretNames: Variables whose values are secret.
    public init(
        inheritsParent: Bool = true, overrides: [String: String] = [:], removals: Set<String> = [],
        secretNames: Set<String> = []
    ) {
        self.inheritsParent = inheritsParent
        self.overrides = overrides
        self.removals = removals
        self.secretNames = secretNames
    }

    /// Sets a variable.
    /// - Parameters:
    ///   - name: The variable's name.
    ///   - value: Its value.
    ///   - secret: Whether the value must never be written anywhere (default `false`).
    public mutating func set(_ name: String, to value: String, secret: Bool = false) {
        overrides[name] = value
        removals.remove(name)
        if secret { secretNames.insert(name) }
    }

    /// The variables the child receives.
    /// - Parameter parent: The parent's environment (pass `ProcessInfo.processInfo.environment`).
    /// - Returns: The inherited variables (if ``inheritsParent``) without ``removals``, then ``overrides``.
    public func resolved(parent: [String: String]) -> [String: String] {
        var result = inheritsParent ? parent : [:]
        for name in removals { result.removeValue(forKey: name) }
        for (name, value) in overrides { result[name] = value }
        return result
    }

    /// The secret values the child receives (non-empty ones only), longest first.
    /// - Parameter parent: The parent's environment.
    /// - Returns: The values to redact.
    public func secretValues(parent: [String: String]) -> [String] {
        let environment = resolved(parent: parent)
        let values = Set(secretNames.compactMap { environment[$0] }.filter { !$0.isEmpty })
        return values.sorted { $0.utf8.count != $1.utf8.count ? $0.utf8.count > $1.utf8.count : $0 < $1 }
    }

    /// Checks variable names: non-empty, no `=` and no NUL; values without NUL.
    /// - Throws: ``SubprocessError`` with ``SubprocessError/Code/invalidConfiguration`` naming the variable.
    public func validate() throws(SubprocessError) {
        for name in Set(overrides.keys).union(removals).union(secretNames) {
            if name.isEmpty || name.contains("=") || name.utf8.contains(0) {
                throw SubprocessError(
                    .invalidConfiguration,
                    "environment variable name \"\(name)\" is invalid: names must be non-empty and contain neither '=' nor NUL"
                )
            }
        }
        for (name, value) in overrides where value.utf8.contains(0) {
            throw SubprocessError(
                .invalidConfiguration, "environment variable \(name) contains a NUL byte; remove it from the value")
        }
    }
}
