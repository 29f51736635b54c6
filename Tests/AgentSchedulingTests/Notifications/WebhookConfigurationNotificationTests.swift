import AgentCore
import AgentScheduling
import Foundation
import Testing

struct WebhookConfigurationNotificationTests {
    @Test func aFullConfigurationDecodes() throws {
        let json = """
            {"url": "https://ntfy.sh/topic", "format": "ntfy", "on": ["failure", "everyRun"], "agents": ["docs"],
             "headers": {"Authorization": "Bearer x"}, "maximumAttempts": 3, "initialRetryDelaySeconds": 1.5,
             "maximumRetryDelaySeconds": 30, "timeoutSeconds": 4}
            """
        let webhook = try JSONDecoder().decode(WebhookConfiguration.self, from: Data(json.utf8))
        #expect(webhook.format == .ntfy)
        #expect(webhook.triggers == [.failure, .everyRun])
        #expect(webhook.agents == ["docs"])
        #expect(webhook.headers == ["Authorization": "Bearer x"])
        #expect(webhook.maximumAttempts == 3)
        #expect(webhook.initialRetryDelay == .milliseconds(1500))
        #expect(webhook.maximumRetryDelay == .seconds(30))
        #expect(webhook.timeout == .seconds(4))
        let again = try JSONDecoder().decode(WebhookConfiguration.self, from: try JSONEncoder().encode(webhook))
        #expect(again == webhook)
    }

    @Test func onlyTheURLIsRequired() throws {
        let webhook = try JSONDecoder().decode(
            WebhookConfiguration.self, from: Data(#"{"url": "http://hooks.example/x"}"#.utf8))
        #expect(webhook.format == .json)
        #expect(webhook.triggers == [.failure, .autoPause])
        #expect(webhook.agents == nil)
        #expect(webhook.maximumAttempts == 5)
    }

    @Test(arguments: [
        (#"{"url": "https://x.example", "fromat": "slack"}"#, "fromat"),
        (#"{"url": "https://x.example", "format": "teams"}"#, "teams"),
        (#"{"url": "https://x.example", "on": ["failures"]}"#, "failures"),
        (#"{"url": "ftp://x.example"}"#, "http or https"),
        (#"{"url": "https://x.example", "maximumAttempts": 0}"#, "maximumAttempts"),
        (#"{"url": "https://x.example", "timeoutSeconds": -1}"#, "timeoutSeconds"),
    ])
    func mistakesAreRejectedWithAMessageThatNamesThem(json: String, mentioned: String) {
        #expect {
            _ = try JSONDecoder().decode(WebhookConfiguration.self, from: Data(json.utf8))
        } throws: { error in
            String(describing: error).contains(mentioned)
        }
    }

    @Test func theNotifierRefusesAnInvalidWebhook() throws {
        let url = try #require(URL(string: "file:///tmp/hook"))
        #expect {
            _ = try WebhookNotifier(webhooks: [WebhookConfiguration(url: url)], store: OrchestratorHarness().store)
        } throws: { error in
            (error as? NotificationError)?.code == .invalidURL
        }
    }
}
