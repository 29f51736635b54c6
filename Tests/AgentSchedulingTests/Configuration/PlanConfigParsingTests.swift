import AgentCore
import Foundation
import Testing

@testable import AgentScheduling

/// `plans` and `approvals` in `agentctl.json`: the nightly plan parses; unknown tasks, unknown agents and cycles are
/// load errors with their JSON path.
struct PlanConfigParsingTests {
    private let agents = """
        "agents": [
          {"name": "seo-validate", "command": ["true"], "awaitApprovalOn": "https://github\\\\.com/\\\\S+/pull/[0-9]+"},
          {"name": "code-review", "command": ["true"]},
          {"name": "dx-integrate", "command": ["true"]}
        ]
        """

    private func parse(_ plans: String) throws(ConfigError) -> RunnerConfiguration {
        try RunnerConfiguration.parse(
            "{\(agents), \(plans)}", file: URL(fileURLWithPath: "/srv/agentctl.json"), shownPath: "agentctl.json",
            environment: [:])
    }

    private func problems(_ plans: String) -> [String] {
        do {
            _ = try parse(plans)
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    @Test func theNightlyPlanAndItsApprovalRulesParse() throws {
        let configuration = try parse(
            """
            "plans": [{"name": "nightly", "schedule": "30 2 * * *", "timeZone": "UTC", "failFast": false,
              "tasks": [
                {"id": "seo.validate", "agent": "seo-validate", "parameters": {"strict": true}},
                {"id": "code.review", "agent": "code-review", "dependsOn": ["seo.validate"]},
                {"id": "dx.integrate", "agent": "dx-integrate", "dependsOn": ["code.review"], "rule": "allDone"}
              ]}],
            "approvals": {"seo-validate": {"timeout": "48h", "approvers": ["alice"], "preventSelfApproval": true}}
            """)
        let plan = try #require(configuration.plans.first)
        #expect(plan.name == "nightly" && plan.timeZone == "UTC")
        #expect(plan.tasks.map(\.id) == ["seo.validate", "code.review", "dx.integrate"])
        #expect(plan[task: "dx.integrate"]?.rule == .allDone)
        #expect(plan[task: "seo.validate"]?.parameters == ["strict": true])
        #expect(
            configuration.approvalPolicies["seo-validate"]
                == ApprovalPolicy(timeout: .seconds(48 * 3600), approvers: ["alice"], preventSelfApproval: true))
        #expect(configuration.agent(named: "seo-validate")?.approvalPattern == "https://github\\.com/\\S+/pull/[0-9]+")
        let options = configuration.runnerOptions(webhooks: [], role: "test")
        #expect(options.plans.map(\.name) == ["nightly"])
    }

    @Test func anInlineCommandTaskBecomesAManualAgentNamedAfterItsPlanAndTask() throws {
        let configuration = try parse(
            """
            "plans": [{"name": "nightly", "tasks": [
              {"id": "lint", "run": {"command": ["swiftlint", "--strict"], "timeout": "5m", "retry": {"maxRetries": 1}}},
              {"id": "review", "agent": "code-review", "dependsOn": ["lint"]}
            ]}]
            """)
        let plan = try #require(configuration.plans.first)
        #expect(plan[task: "lint"]?.agent == "nightly.lint")
        let inline = try #require(configuration.agent(named: "nightly.lint"))
        #expect(inline.executable == "swiftlint" && inline.arguments == ["--strict"])
        #expect(inline.schedule == .manualOnly)
        #expect(inline.timeout == .seconds(300))
        // Every runner started from the file knows the inline agent, so any of them can run the task.
        #expect(configuration.agents.map(\.name).contains("nightly.lint"))
    }

    @Test func anInlineTaskIsCheckedLikeAnAgentAndCannotCarryANameOrSchedule() {
        let found = problems(
            """
            "plans": [{"name": "nightly", "tasks": [
              {"id": "lint", "run": {"name": "x", "schedule": "* * * * *", "command": "swiftlint --strict"}},
              {"id": "both", "agent": "code-review", "run": {"command": ["true"]}}
            ]}]
            """)
        #expect(
            found.contains { $0.hasPrefix("plans[0].tasks[0].run.name") && $0.contains("remove \"name\"") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("plans[0].tasks[0].run.schedule") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("plans[0].tasks[0].run.command") && $0.contains("expected an array") })
        #expect(found.contains { $0.hasPrefix("plans[0].tasks[1].run") && $0.contains("not both") }, "\(found)")
    }

    @Test func anUnknownAgentIsReportedAtItsPath() {
        let found = problems(#""plans": [{"name": "nightly", "tasks": [{"id": "a", "agent": "code-reviw"}]}]"#)
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("plans[0].tasks[0].agent") == true, "\(found)")
        #expect(found.first?.contains("no agent is named \"code-reviw\"") == true)
    }

    @Test func anUnknownDependencyIsReportedAtItsTask() {
        let found = problems(
            #""plans": [{"name": "nightly", "tasks": [{"id": "a", "agent": "code-review", "dependsOn": ["b"]}]}]"#)
        #expect(found.first?.hasPrefix("plans[0].tasks[0].dependsOn") == true, "\(found)")
        #expect(found.first?.contains("depends on \"b\"") == true)
    }

    @Test func aCycleIsReportedWithItsPath() {
        let found = problems(
            """
            "plans": [{"name": "nightly", "tasks": [
              {"id": "a", "agent": "code-review", "dependsOn": ["b"]},
              {"id": "b", "agent": "dx-integrate", "dependsOn": ["a"]}]}]
            """)
        #expect(found.first?.hasPrefix("plans[0].tasks") == true, "\(found)")
        #expect(found.first?.contains("cycle (a → b → a)") == true, "\(found)")
    }

    @Test func approvalRulesForAnUnknownAgentAreAnError() {
        let found = problems(#""approvals": {"nobody": {"timeout": "1h"}}"#)
        #expect(
            found == ["approvals.nobody: no agent is named \"nobody\"; approval rules are keyed by agent name"],
            "\(found)")
    }
}
