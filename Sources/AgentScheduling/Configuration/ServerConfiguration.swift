import AgentCore
import Foundation

/// The `"server"` section of `agentctl.json`: how an HTTP host of the runner (such as `agent-server`) listens and
/// whom it lets in. Runners that do not listen on a socket ignore it.
///
/// ```json
/// "server": {
///   "listen": "127.0.0.1:8080",
///   "tokens": [
///     {"name": "ci", "token": {"fromEnv": "AGENT_SERVER_CI_TOKEN"}, "role": "operate"},
///     {"name": "dashboard", "token": {"fromEnv": "AGENT_SERVER_READ_TOKEN"}, "role": "read"}
///   ]
/// }
/// ```
public struct ServerConfiguration: Sendable, Equatable {
    /// What a bearer token may do.
    public enum Role: String, Sendable, Hashable, CaseIterable, Comparable {
        /// Read runs, logs, health, schedules, metrics and live events.
        case read
        /// Everything `read` may, and trigger and cancel runs, pause and resume agents, change schedules.
        case operate
        /// Everything `read` may, and approve or reject what an agent proposed.
        case approve

        /// Whether a token with this role may do what `needed` allows.
        /// - Parameter needed: The role a call needs.
        /// - Returns: `true` for the same role, and for any role when `read` is needed.
        public func allows(_ needed: Role) -> Bool { self == needed || needed == .read }

        /// Orders roles as declared (read, operate, approve), for stable listings.
        public static func < (left: Role, right: Role) -> Bool {
            allCases.firstIndex(of: left) ?? 0 < allCases.firstIndex(of: right) ?? 0
        }
    }

    /// One bearer token, as written: its value is usually `{"fromEnv": "VARIABLE"}` so that it stays out of the
    /// file.
    public struct Token: Sendable, Equatable {
        /// A name for messages and audit lines (never the token itself).
        public var name: String
        /// The token's value.
        public var value: ConfigValue
        /// What it may do.
        public var role: Role
        /// Where it was written, for messages (`server.tokens[0]`).
        public var path: String

        /// Creates a token.
        /// - Parameters:
        ///   - name: A name for messages.
        ///   - value: The token's value.
        ///   - role: What it may do.
        ///   - path: Where it was written.
        public init(name: String, value: ConfigValue, role: Role, path: String = "server.tokens") {
            self.name = name
            self.value = value
            self.role = role
            self.path = path
        }
    }

    /// A bearer token whose value was read from the environment.
    public struct ResolvedToken: Sendable, Equatable {
        /// The token's name.
        public var name: String
        /// The secret value a client sends as `Authorization: Bearer <value>`.
        public var secret: String
        /// What it may do.
        public var role: Role

        /// Creates a resolved token.
        /// - Parameters:
        ///   - name: The token's name.
        ///   - secret: Its value.
        ///   - role: What it may do.
        public init(name: String, secret: String, role: Role) {
            self.name = name
            self.secret = secret
            self.role = role
        }
    }

    /// The shortest token value accepted, so that a token cannot be guessed.
    public static let minimumTokenLength = 16

    /// The address to listen on (`host:port`), when the file names one.
    public var listen: String?
    /// The bearer tokens, in file order.
    public var tokens: [Token]

    /// Creates a server section.
    /// - Parameters:
    ///   - listen: The address to listen on.
    ///   - tokens: The bearer tokens.
    public init(listen: String? = nil, tokens: [Token] = []) {
        self.listen = listen
        self.tokens = tokens
    }

    /// The tokens with their values read from the environment.
    /// - Parameter environment: Where `{"fromEnv": …}` values are read from.
    /// - Returns: The tokens, or the problems: an unset variable, or a value shorter than
    ///   ``minimumTokenLength``.
    public func resolvedTokens(environment: [String: String]) -> Result<[ResolvedToken], ConfigError> {
        var resolved: [ResolvedToken] = []
        var problems: [ConfigProblem] = []
        for token in tokens {
            guard let secret = token.value.resolve(in: environment) else {
                let variable: String
                if case .environment(let name) = token.value.source { variable = name } else { variable = "?" }
                problems.append(
                    ConfigProblem(
                        path: token.path + ".token",
                        message: "the environment variable \(variable) is not set; export it before starting the server"
                    ))
                continue
            }
            guard secret.count >= Self.minimumTokenLength else {
                problems.append(
                    ConfigProblem(
                        path: token.path + ".token",
                        message:
                            "the token of \"\(token.name)\" is shorter than \(Self.minimumTokenLength) characters; "
                            + "use a long random value (for example: openssl rand -hex 32)"))
                continue
            }
            resolved.append(ResolvedToken(name: token.name, secret: secret, role: token.role))
        }
        return problems.isEmpty ? .success(resolved) : .failure(ConfigError(file: "", problems: problems))
    }

    /// Reads the section, reporting every problem with its path.
    package static func read(_ reader: ConfigReader) -> ServerConfiguration {
        defer { reader.finish() }
        var configuration = ServerConfiguration(listen: reader.nonEmptyString("listen"))
        var names: Set<String> = []
        for (path, node) in reader.array("tokens") ?? [] {
            guard let token = ConfigReader(node, path: path, problems: reader.problems) else { continue }
            defer { token.finish() }
            let name = token.nonEmptyString("name", required: "a name for messages, for example \"ci\"")
            let role = token.choice("role", Role.allCases.map(\.rawValue)).flatMap(Role.init(rawValue:))
            if !token.has("role") {
                token.report(nil, "missing \"role\": one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            var value: ConfigValue?
            if let node = token.member("token") {
                value = ConfigValue.read(node, path: token.path("token"), problems: reader.problems)
            } else {
                token.report(nil, "missing \"token\": {\"fromEnv\": \"VARIABLE\"} names where the secret is")
            }
            if let name, !names.insert(name).inserted {
                token.report("name", "\"\(name)\" is already the name of another token; names must be unique")
            }
            if let name, let role, let value {
                configuration.tokens.append(Token(name: name, value: value, role: role, path: path))
            }
        }
        return configuration
    }
}
