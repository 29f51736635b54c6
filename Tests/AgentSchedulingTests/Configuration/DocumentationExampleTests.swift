import Foundation
import Testing

@testable import AgentScheduling

/// The configuration examples of the README and Docs/CLI.md are valid, so that a copied example works.
struct DocumentationExampleTests {
    /// The package's root directory, found from this file's path.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The JSON code blocks of a document that are whole configurations (an object with `"agents"`).
    static func configurations(in document: String) throws -> [String] {
        let text = try String(contentsOf: root.appendingPathComponent(document), encoding: .utf8)
        return text.components(separatedBy: "```json\n").dropFirst().compactMap { block in
            let body = block.components(separatedBy: "```").first ?? ""
            return body.hasPrefix("{") && body.contains("\"agents\"") ? body : nil
        }
    }

    @Test(arguments: ["README.md", "Docs/CLI.md"])
    func theConfigurationExamplesAreValid(document: String) throws {
        let examples = try Self.configurations(in: document)
        #expect(!examples.isEmpty, "\(document) shows a configuration")
        let environment = [
            "HOME": "/home/ops", "SLACK_WEBHOOK_URL": "https://hooks.slack.com/services/T0/B0/x",
            "ANTHROPIC_API_KEY": "key", "OPS_HOOK_TOKEN": "token",
        ]
        for example in examples {
            do {
                let configuration = try RunnerConfiguration.parse(
                    example, file: URL(fileURLWithPath: "/srv/agents/agentctl.json"), shownPath: "agentctl.json",
                    environment: environment)
                #expect(throws: Never.self) { try configuration.webhooks(environment: environment).get() }
                for (index, agent) in configuration.agents.enumerated() {
                    #expect(throws: Never.self) {
                        try AgentFactory.make(
                            agent, configuration: configuration, environment: environment, path: "agents[\(index)]")
                    }
                }
            } catch {
                Issue.record("an example of \(document) is invalid:\n\(error)")
            }
        }
    }
}
