import AgentCore
import Foundation

/// One webhook: where to post, in which format, on which occasions, for which agents, and how to retry.
///
/// Decodes from (and encodes to) JSON with these keys; only `url` is required and unknown keys are
/// rejected, so a typo is an error with its coding path:
///
/// ```json
/// {
///   "url": "https://ntfy.sh/my-topic",
///   "format": "ntfy",
///   "on": ["failure", "autoPause"],
///   "agents": ["nightly-docs"],
///   "headers": {"Authorization": "Bearer …"},
///   "maximumAttempts": 5,
///   "initialRetryDelaySeconds": 2,
///   "maximumRetryDelaySeconds": 60,
///   "timeoutSeconds": 10
/// }
/// ```
///
/// The URL and header values are treated as secrets: events and messages name only the URL's host.
public struct WebhookConfiguration: Sendable, Hashable, Codable {
    /// Where to post (`http` or `https`).
    public var url: URL
    /// The request's format (default ``WebhookFormat/json``).
    public var format: WebhookFormat
    /// When to post (default ``WebhookTrigger/defaultTriggers``: failures, auto-pauses, SLA breaches, overdue fires,
    /// approval requests).
    public var triggers: Set<WebhookTrigger>
    /// The agents it is for (`nil`: all agents).
    public var agents: Set<AgentName>?
    /// Extra request headers (for example `Authorization`).
    public var headers: [String: String]
    /// How many times a delivery is tried in all (default 5); 5xx, 408, 429 and network errors are retried.
    public var maximumAttempts: Int
    /// The wait before the second attempt (default 2 s); it doubles for each further attempt.
    public var initialRetryDelay: Duration
    /// The longest wait between attempts (default 60 s); also caps a server's `Retry-After`.
    public var maximumRetryDelay: Duration
    /// How long one request may take (default 10 s).
    public var timeout: Duration

    /// Creates a webhook configuration.
    /// - Parameters:
    ///   - url: Where to post.
    ///   - format: The request's format.
    ///   - triggers: When to post.
    ///   - agents: The agents it is for (`nil`: all).
    ///   - headers: Extra request headers.
    ///   - maximumAttempts: Attempts in all.
    ///   - initialRetryDelay: The first wait between attempts.
    ///   - maximumRetryDelay: The longest wait between attempts.
    ///   - timeout: The limit for one request.
    public init(
        url: URL, format: WebhookFormat = .json, triggers: Set<WebhookTrigger> = WebhookTrigger.defaultTriggers,
        agents: Set<AgentName>? = nil, headers: [String: String] = [:], maximumAttempts: Int = 5,
        initialRetryDelay: Duration = .seconds(2), maximumRetryDelay: Duration = .seconds(60),
        timeout: Duration = .seconds(10)
    ) {
        self.url = url
        self.format = format
        self.triggers = triggers
        self.agents = agents
        self.headers = headers
        self.maximumAttempts = maximumAttempts
        self.initialRetryDelay = initialRetryDelay
        self.maximumRetryDelay = maximumRetryDelay
        self.timeout = timeout
    }

    /// Checks every value.
    /// - Throws: ``NotificationError`` naming the bad value and how to fix it.
    public func validate() throws(NotificationError) {
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", url.host != nil else {
            throw NotificationError(
                .invalidURL, "webhook URL \"\(url.absoluteString)\" is not an absolute http or https URL")
        }
        guard WebhookFormat.allFormats.contains(format) else {
            throw NotificationError(
                .invalidConfiguration, "webhook format \"\(format)\" is unknown; use json, slack or ntfy")
        }
        for trigger in triggers where !WebhookTrigger.allTriggers.contains(trigger) {
            throw NotificationError(
                .invalidConfiguration,
                "webhook trigger \"\(trigger)\" is unknown; use failure, autoPause, slaBreach, fireOverdue or everyRun")
        }
        guard !triggers.isEmpty else {
            throw NotificationError(
                .invalidConfiguration,
                "the webhook for \(host) has no triggers; add failure, autoPause, slaBreach, fireOverdue or everyRun")
        }
        guard (1...100).contains(maximumAttempts) else {
            throw NotificationError(
                .invalidConfiguration, "maximumAttempts must be between 1 and 100; it is \(maximumAttempts)")
        }
        guard initialRetryDelay >= .zero, maximumRetryDelay >= initialRetryDelay else {
            throw NotificationError(
                .invalidConfiguration,
                "retry delays must satisfy 0 <= initialRetryDelay <= maximumRetryDelay (they are \(initialRetryDelay) and \(maximumRetryDelay))"
            )
        }
        guard timeout > .zero else {
            throw NotificationError(.invalidConfiguration, "the webhook timeout must be positive")
        }
        for (name, value) in headers {
            let valid =
                !name.isEmpty
                && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
            guard valid, !value.contains("\r"), !value.contains("\n") else {
                throw NotificationError(
                    .invalidConfiguration,
                    "header \"\(name)\" is invalid: names are letters, digits, - and _, and values are one line")
            }
        }
    }

    /// The URL's host, the only part of the URL that is ever shown (the rest may hold a token).
    public var host: String { url.host ?? "?" }

    /// Whether this webhook is for an agent.
    /// - Parameter agent: The agent.
    /// - Returns: `true` when ``agents`` is `nil` or contains it.
    public func applies(to agent: AgentName) -> Bool {
        agents.map { $0.contains(agent) } ?? true
    }

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case url, format
        case triggers = "on"
        case agents, headers, maximumAttempts, initialRetryDelaySeconds, maximumRetryDelaySeconds, timeoutSeconds
    }

    /// Decodes a webhook from the JSON described on the type, rejecting unknown keys and invalid values.
    /// - Throws: `DecodingError` with the coding path of the bad value.
    public init(from decoder: any Decoder) throws {
        try StrictCodingKeys.rejectUnknownKeys(
            in: decoder, allowed: CodingKeys.allCases.map(\.stringValue), type: "a webhook")
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let text = try container.decode(String.self, forKey: .url)
        guard let url = URL(string: text) else {
            throw DecodingError.dataCorruptedError(
                forKey: .url, in: container, debugDescription: "\"\(text)\" is not a URL")
        }
        func seconds(_ key: CodingKeys, default value: Duration) throws -> Duration {
            guard let number = try container.decodeIfPresent(Double.self, forKey: key) else { return value }
            guard number.isFinite, number >= 0 else {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: container, debugDescription: "\(key.stringValue) must be a non-negative number")
            }
            return .interval(number)
        }
        self.init(
            url: url, format: try container.decodeIfPresent(WebhookFormat.self, forKey: .format) ?? .json,
            triggers: Set(
                try container.decodeIfPresent([WebhookTrigger].self, forKey: .triggers) ?? [.failure, .autoPause]),
            agents: try container.decodeIfPresent([AgentName].self, forKey: .agents).map(Set.init),
            headers: try container.decodeIfPresent([String: String].self, forKey: .headers) ?? [:],
            maximumAttempts: try container.decodeIfPresent(Int.self, forKey: .maximumAttempts) ?? 5,
            initialRetryDelay: try seconds(.initialRetryDelaySeconds, default: .seconds(2)),
            maximumRetryDelay: try seconds(.maximumRetryDelaySeconds, default: .seconds(60)),
            timeout: try seconds(.timeoutSeconds, default: .seconds(10)))
        do {
            try validate()
        } catch {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    /// Encodes the webhook with the keys described on the type.
    /// - Throws: Whatever the encoder throws.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(url.absoluteString, forKey: .url)
        try container.encode(format, forKey: .format)
        try container.encode(triggers.map(\.rawValue).sorted(), forKey: .triggers)
        try container.encodeIfPresent(agents.map { $0.map(\.rawValue).sorted() }, forKey: .agents)
        if !headers.isEmpty { try container.encode(headers, forKey: .headers) }
        try container.encode(maximumAttempts, forKey: .maximumAttempts)
        try container.encode(initialRetryDelay.timeInterval, forKey: .initialRetryDelaySeconds)
        try container.encode(maximumRetryDelay.timeInterval, forKey: .maximumRetryDelaySeconds)
        try container.encode(timeout.timeInterval, forKey: .timeoutSeconds)
    }
}
