/// When a webhook is posted.
///
/// In JSON configuration: `"failure"`, `"autoPause"`, `"slaBreach"`, `"fireOverdue"` or `"everyRun"`.
public struct WebhookTrigger: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The trigger's name.
    public let rawValue: String
    /// Creates a trigger from its name; unknown names are rejected by ``WebhookConfiguration/validate()``.
    /// - Parameter rawValue: `failure`, `autoPause`, `slaBreach`, `fireOverdue` or `everyRun`.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// A run ended `failed`, `timedOut` or `abandoned` and no retry of it was scheduled (an attempt that
    /// will be retried is not reported; the last attempt is).
    public static let failure = WebhookTrigger(rawValue: "failure")
    /// An agent was paused automatically after consecutive failures, or a pipeline candidate was paused by its
    /// coordinator (repeated final failures on a stage, an inconclusive gate).
    public static let autoPause = WebhookTrigger(rawValue: "autoPause")
    /// An agent broke a service-level rule (``AgentCore/RunEvent/Kind/slaBreached``): a run over its `maxDuration`,
    /// or no success by its `mustSucceedBy` time.
    public static let slaBreach = WebhookTrigger(rawValue: "slaBreach")
    /// A scheduled fire has no run record a grace period after it was due (``AgentCore/RunEvent/Kind/fireOverdue``).
    public static let fireOverdue = WebhookTrigger(rawValue: "fireOverdue")
    /// Every run that ends, whatever its status, including attempts that will be retried.
    public static let everyRun = WebhookTrigger(rawValue: "everyRun")
    /// A run started waiting for approval: posted once across runners, Slack webhooks get
    /// `Task <task> awaiting approval: <outputs URI>`, JSON webhooks the e-mail payload
    /// (`run_id`, `task`, `status`, `outputs_uri`, `log_excerpt`).
    public static let approval = WebhookTrigger(rawValue: "approval")

    /// Every known trigger.
    public static let allTriggers: [WebhookTrigger] = [
        .failure, .autoPause, .slaBreach, .fireOverdue, .everyRun, .approval,
    ]

    /// The triggers of a webhook that names none: failures, automatic pauses, SLA breaches, overdue fires and approval
    /// requests.
    public static let defaultTriggers: Set<WebhookTrigger> = [
        .failure, .autoPause, .slaBreach, .fireOverdue, .approval,
    ]

    /// The name.
    public var description: String { rawValue }

    /// Decodes the name.
    /// - Throws: `DecodingError` for an unknown name.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard Self.allTriggers.map(\.rawValue).contains(text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription:
                    "webhook trigger \"\(text)\" is unknown; use failure, autoPause, slaBreach, fireOverdue or everyRun"
            )
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
