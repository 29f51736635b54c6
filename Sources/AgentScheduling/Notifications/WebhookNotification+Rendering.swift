import AgentCore
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

extension WebhookNotification {
    /// The HTTP request that delivers this notification to a webhook, in the webhook's format.
    /// - Parameter webhook: The webhook.
    /// - Returns: A `POST` request with the body and headers of the format plus the configured headers.
    func request(for webhook: WebhookConfiguration) -> URLRequest {
        var request = URLRequest(url: webhook.url, timeoutInterval: webhook.timeout.timeInterval)
        request.httpMethod = "POST"
        if let approval {
            // The shapes of the nightly orchestration plans replace: Slack text, and the e-mail payload as JSON.
            switch webhook.format {
            case .slack:
                request.setValue("application/json", forHTTPHeaderField: "Content-Type")
                request.httpBody = Data(approval.slackPayload.canonicalText.utf8)
            case .ntfy:
                request.setValue("text/plain; charset=utf-8", forHTTPHeaderField: "Content-Type")
                request.httpBody = Data(approval.slackText.utf8)
            default:
                request.setValue("application/json", forHTTPHeaderField: "Content-Type")
                request.httpBody = Data(approval.emailPayload.canonicalText.utf8)
            }
            request.setValue("swift-agent-runner", forHTTPHeaderField: "User-Agent")
            for (name, value) in webhook.headers { request.setValue(value, forHTTPHeaderField: name) }
            return request
        }
        switch webhook.format {
        case .slack:
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(JSONValue.object(["text": .string(slackText)]).canonicalText.utf8)
        case .ntfy:
            request.setValue("text/plain; charset=utf-8", forHTTPHeaderField: "Content-Type")
            request.setValue(Self.headerSafe(title), forHTTPHeaderField: "Title")
            request.setValue(ntfyPriority, forHTTPHeaderField: "Priority")
            request.setValue(ntfyTags, forHTTPHeaderField: "Tags")
            request.httpBody = Data(ntfyBody.utf8)
        default:
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(payload.canonicalText.utf8)
        }
        request.setValue("swift-agent-runner", forHTTPHeaderField: "User-Agent")
        for (name, value) in webhook.headers { request.setValue(value, forHTTPHeaderField: name) }
        return request
    }

    /// Slack `mrkdwn`: an emoji, the title in bold, the details, and the last log lines in a code block.
    var slackText: String {
        var text = "\(emoji) *\(Self.slackEscaped(title))*"
        for line in details { text += "\n" + Self.slackEscaped(line) }
        let lines = excerpt.suffix(5)
        if isBad, !lines.isEmpty {
            text +=
                "\n```\n"
                + lines.map { Self.slackEscaped($0.replacingOccurrences(of: "```", with: "'''")) }
                .joined(separator: "\n") + "\n```"
        }
        return text
    }

    /// The ntfy message body: the details and the last log lines.
    var ntfyBody: String {
        var lines = details
        let tail = excerpt.suffix(5)
        if isBad, !tail.isEmpty { lines += ["", "last output:"] + tail }
        return lines.isEmpty ? title : lines.joined(separator: "\n")
    }

    /// ntfy priority: `high` for failures and pauses, `default` otherwise.
    var ntfyPriority: String { isBad ? "high" : "default" }

    /// ntfy tags (shown as emoji): `x`, `hourglass`, `pause_button`, `white_check_mark`, `warning`.
    var ntfyTags: String {
        switch (kind, status) {
        case (.autoPause, _), (.candidatePause, _): "pause_button"
        case (.slaBreach, _), (.fireOverdue, _): "warning"
        case (_, .timedOut): "hourglass"
        case (_, .succeeded), (_, .noOp): "white_check_mark"
        case (_, .cancelled): "warning"
        default: "x"
        }
    }

    private var emoji: String {
        switch ntfyTags {
        case "pause_button": ":double_vertical_bar:"
        case "hourglass": ":hourglass:"
        case "white_check_mark": ":white_check_mark:"
        case "warning": ":warning:"
        default: ":x:"
        }
    }

    /// Slack needs `&`, `<` and `>` escaped.
    static func slackEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    /// Header values must be one line of printable ASCII.
    static func headerSafe(_ text: String) -> String {
        String(text.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7f ? Character($0) : "?" })
    }
}
