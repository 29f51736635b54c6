import AgentCore
import Foundation
import Testing

@testable import AgentScheduling

/// `pipelines` in `agentctl.json`: a stage's approval parses with the rules of `approvals`; a bad one is reported
/// with its JSON path.
struct PipelineConfigParsingTests {
    private func parse(_ stage: String) throws(ConfigError) -> RunnerConfiguration {
        try RunnerConfiguration.parse(
            """
            {"agents": [{"name": "lane-e-rollout", "command": ["true"]}],
             "pipelines": [{"name": "quant", "stages": [\(stage)]}]}
            """, file: URL(fileURLWithPath: "/srv/agentctl.json"), shownPath: "agentctl.json", environment: [:])
    }

    @Test func aStageApprovalParsesWithItsApproversAndTimeout() throws {
        let configuration = try parse(
            """
            {"name": "rollout", "agent": "lane-e-rollout",
             "approval": {"timeout": "24h", "approvers": ["ana"], "preventSelfApproval": true}}
            """)
        let stage = try #require(configuration.pipelines.first?.stages.first)
        #expect(
            stage.approval == ApprovalPolicy(timeout: .seconds(86_400), approvers: ["ana"], preventSelfApproval: true))
        #expect(configuration.runnerOptions(webhooks: [], role: "test").pipelines.count == 1)
        let plain = try parse(#"{"name": "rollout", "agent": "lane-e-rollout"}"#)
        #expect(plain.pipelines.first?.stages.first?.approval == nil)
    }

    @Test func aBadStageApprovalIsReportedWithItsPath() {
        do {
            _ = try parse(#"{"name": "rollout", "agent": "lane-e-rollout", "approval": {"approvrs": ["ana"]}}"#)
            Issue.record("expected a problem")
        } catch {
            #expect(
                error.problems.map(\.description).contains {
                    $0.hasPrefix("pipelines[0].stages[0].approval.approvrs: unknown key")
                }, "\(error.problems)")
        }
    }
}
