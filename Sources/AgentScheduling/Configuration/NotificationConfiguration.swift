import AgentCore
import Foundation

/// One webhook of `agentctl.json`, as written; ``webhook(environment:)`` turns it into the library's
/// ``WebhookConfiguration`` once its `{"fromEnv": …}` values can be read:
///
/// ```json
/// {"format": "slack", "url": {"fromEnv": "SLACK_WEBHOOK_URL"}, "on": ["failure", "autoPause"]}
/// ```
public struct NotificationConfiguration: Sendable {
    /// The formats and triggers the library knows, for validation and messages.
    public static let formats = WebhookFormat.allFormats.map(\.rawValue)
    /// The trigger names the library knows.
    public static let triggers = WebhookTrigger.allTriggers.map(\.rawValue)

    /// The payload format (`slack`, `discord`, `generic`, …).
    public var format: WebhookFormat
    /// The URL; usually secret (a Slack webhook URL is a credential).
    public var url: ConfigValue
    /// What it is posted for (`failure`, `autoPause`, `everyRun`, …).
    public var on: Set<WebhookTrigger>
    /// The agents it is for; `nil` for all (a webhook inside an agent is for that agent only).
    public var agents: Set<AgentName>?
    /// Extra HTTP headers, in file order.
    public var headers: [(name: String, value: ConfigValue)]
    /// How many times a delivery is tried; `nil` for the library's default.
    public var maximumAttempts: Int?
    /// The first delay between attempts; `nil` for the default.
    public var initialRetryDelay: Duration?
    /// The longest delay between attempts; `nil` for the default.
    public var maximumRetryDelay: Duration?
    /// How long one attempt may take; `nil` for the default.
    public var timeout: Duration?
    /// Where it was written, for messages (`notifications[0]`, `agents[1].notifications[0]`).
    public var path: String

    /// The library's webhook, or a problem when a variable is unset or a value is invalid.
    public func webhook(environment: [String: String]) -> Result<WebhookConfiguration, ConfigProblem> {
        func unset(_ value: ConfigValue, _ path: String) -> ConfigProblem? {
            guard case .environment(let variable) = value.source, environment[variable] == nil else { return nil }
            return ConfigProblem(
                path: path,
                message: "the environment variable \(variable) is not set; export it before starting agentctl")
        }
        if let problem = unset(url, path + ".url") { return .failure(problem) }
        var resolvedHeaders: [String: String] = [:]
        for (name, value) in headers {
            if let problem = unset(value, ConfigReader.path(path + ".headers", key: name)) { return .failure(problem) }
            resolvedHeaders[name] = value.resolve(in: environment)
        }
        let text = url.resolve(in: environment) ?? ""
        guard let address = URL(string: text) else {
            return .failure(ConfigProblem(path: path + ".url", message: "the URL is not valid"))
        }
        var webhook = WebhookConfiguration(
            url: address, format: format, triggers: on, agents: agents, headers: resolvedHeaders)
        if let maximumAttempts { webhook.maximumAttempts = maximumAttempts }
        if let initialRetryDelay { webhook.initialRetryDelay = initialRetryDelay }
        if let maximumRetryDelay { webhook.maximumRetryDelay = maximumRetryDelay }
        if let timeout { webhook.timeout = timeout }
        do {
            try webhook.validate()
        } catch {
            // The message may name the URL, which can hold a token: say only what is wrong with it.
            let message =
                error.code == .invalidURL ? "the URL is not an absolute http:// or https:// URL" : error.message
            return .failure(ConfigProblem(path: path, message: message))
        }
        return .success(webhook)
    }

    /// Reads one webhook at `path`; `agent` is the agent it is written inside, if any.
    package static func read(
        _ node: JSONNode, path: String, agent: AgentName?, problems: ConfigReader.Problems
    ) -> NotificationConfiguration? {
        guard let reader = ConfigReader(node, path: path, problems: problems) else { return nil }
        defer { reader.finish() }
        let format = reader.choice("format", formats).map(WebhookFormat.init(rawValue:)) ?? .json
        var url: ConfigValue?
        if let node = reader.member("url") {
            url = ConfigValue.read(node, path: reader.path("url"), problems: problems)
            if case .literal(let text)? = url?.source,
                !(text.hasPrefix("http://") || text.hasPrefix("https://")) || URL(string: text)?.host == nil
            {
                reader.report("url", "\"\(text)\" is not an http:// or https:// URL")
                url = nil
            }
        } else {
            reader.report(nil, "missing \"url\": the webhook's address, or {\"fromEnv\": \"VARIABLE\"}")
        }
        var triggers = WebhookTrigger.defaultTriggers
        if let elements = reader.array("on") {
            triggers = []
            for (elementPath, element) in elements {
                guard case .string(let text) = element.value, Self.triggers.contains(text) else {
                    problems.report(
                        elementPath, "expected one of \(Self.triggers.map { "\"\($0)\"" }.joined(separator: ", "))",
                        at: element)
                    continue
                }
                triggers.insert(WebhookTrigger(rawValue: text))
            }
            if triggers.isEmpty && elements.isEmpty { reader.report("on", "name at least one occasion") }
        }
        var agents: Set<AgentName>? = agent.map { [$0] }
        if agent == nil, let names = reader.strings("agents") {
            agents = []
            for name in names {
                if let valid = try? AgentName(name) {
                    agents?.insert(valid)
                } else {
                    reader.report("agents", "\"\(name)\" is not a valid agent name")
                }
            }
        }
        var headers: [(String, ConfigValue)] = []
        if let object = reader.object("headers") {
            for key in object.keys {
                guard let node = object.member(key) else { continue }
                if let value = ConfigValue.read(node, path: object.path(key), problems: problems) {
                    headers.append((key, value))
                }
            }
            object.finish()
        }
        let attempts = reader.integer("maxAttempts", in: 1...100)
        let initial = reader.duration("initialRetryDelay")
        let maximum = reader.duration("maxRetryDelay")
        let timeout = reader.duration("timeout", minimum: .milliseconds(1))
        guard let url else { return nil }
        return NotificationConfiguration(
            format: format, url: url, on: triggers, agents: agents, headers: headers, maximumAttempts: attempts,
            initialRetryDelay: initial, maximumRetryDelay: maximum, timeout: timeout, path: path)
    }
}
