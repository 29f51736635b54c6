/// How a webhook's request looks.
///
/// - ``json``: `Content-Type: application/json`, a generic object with the run's fields (documented on
///   ``WebhookNotifier``).
/// - ``slack``: `{"text": "…"}`, accepted by Slack incoming webhooks and by Mattermost, Rocket.Chat and
///   Discord's Slack-compatible endpoints.
/// - ``ntfy``: the message as a plain-text body with `Title`, `Priority` and `Tags` headers, as ntfy.sh expects.
///
/// In JSON configuration: `"json"`, `"slack"` or `"ntfy"`.
public struct WebhookFormat: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The format's name.
    public let rawValue: String
    /// Creates a format from its name; unknown names are rejected by ``WebhookConfiguration/validate()``.
    /// - Parameter rawValue: `json`, `slack` or `ntfy`.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// A generic JSON object.
    public static let json = WebhookFormat(rawValue: "json")
    /// Slack-compatible `{"text": …}`.
    public static let slack = WebhookFormat(rawValue: "slack")
    /// ntfy-style plain text with headers.
    public static let ntfy = WebhookFormat(rawValue: "ntfy")

    /// Every known format.
    public static let allFormats: [WebhookFormat] = [.json, .slack, .ntfy]

    /// The name.
    public var description: String { rawValue }

    /// Decodes the name.
    /// - Throws: `DecodingError` for an unknown name.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard Self.allFormats.map(\.rawValue).contains(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "webhook format \"\(text)\" is unknown; use json, slack or ntfy")
        }
        rawValue = text
    }

    /// Encodes the name.
    /// - Throws: Whatever the encoder throws.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
