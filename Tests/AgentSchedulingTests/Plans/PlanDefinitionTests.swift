import AgentCore
import AgentScheduling
import Foundation
import Testing

struct PlanDefinitionTests {
    private let now = Date(timeIntervalSince1970: 1_736_899_200)

    @Test func aCycleIsALoadErrorThatNamesIt() {
        #expect {
            _ = try PlanDefinition(
                name: "nightly",
                tasks: [
                    PlanTaskDefinition(id: "a", agent: "alpha", dependsOn: ["c"]),
                    PlanTaskDefinition(id: "b", agent: "beta", dependsOn: ["a"]),
                    PlanTaskDefinition(id: "c", agent: "gamma", dependsOn: ["b"]),
                ])
        } throws: { error in
            guard let error = error as? PlanError else { return false }
            return error.code == .cycle && error.message.contains("a → c → b → a")
        }
    }

    @Test func anUnknownDependencyOrAgentIsALoadError() throws {
        #expect(throws: PlanError.self) {
            _ = try PlanDefinition(
                name: "nightly", tasks: [PlanTaskDefinition(id: "a", agent: "alpha", dependsOn: ["x"])])
        }
        let plan = try PlanDefinition(name: "nightly", tasks: [PlanTaskDefinition(id: "a", agent: "alpha")])
        #expect { try plan.validate(agents: ["beta"]) } throws: { ($0 as? PlanError)?.code == .unknownAgent }
        #expect(throws: PlanError.self) {
            _ = try PlanDefinition(
                name: "nightly",
                tasks: [PlanTaskDefinition(id: "a", agent: "alpha"), PlanTaskDefinition(id: "a", agent: "beta")])
        }
    }

    @Test func theBusinessDateIsTheDateInThePlansZone() throws {
        let plan = try PlanDefinition(
            name: "nightly", schedule: .cron("30 2 * * *", timeZone: "America/New_York"),
            tasks: [PlanTaskDefinition(id: "a", agent: "alpha")])
        // 2025-01-15 03:00 UTC is still 2025-01-14 in New York.
        #expect(plan.businessDate(at: now.addingTimeInterval(3 * 3600)).description == "2025-01-14")
        #expect(plan.newRun(for: try BusinessDate("2025-01-15"), requestedBy: "t").id == "nightly-2025-01-15")
    }

    @Test func aTaskSkippedByConditionLetsNoneFailedRunAndSkipsAllSucceededWithoutFailingThePlan() throws {
        let plan = try PlanDefinition(
            name: "nightly",
            tasks: [
                PlanTaskDefinition(id: "c", agent: "gamma"),
                PlanTaskDefinition(id: "tolerant", agent: "alpha", dependsOn: ["c"], rule: .noneFailed),
                PlanTaskDefinition(id: "strict", agent: "beta", dependsOn: ["c"]),
            ])
        var run = plan.newRun(for: try BusinessDate("2025-01-15"), requestedBy: "t")
        run.tasks[0].status = .skipped  // the run itself was skipped (for example its agent was paused)
        let decision = PlanDecision(definition: plan, run: run, now: now)
        #expect(decision.ready == ["tolerant"])
        #expect(decision.run[task: "strict"]?.status == .skipped)
        #expect(decision.run[task: "strict"]?.skipReason?.causedByFailure == false)
        var settled = decision.run
        settled[task: "tolerant"]?.status = .succeeded
        #expect(PlanDecision(definition: plan, run: settled, now: now).run.status == .succeeded)
    }

    @Test func failFastSkipsEveryPendingTaskAfterAFailure() throws {
        let plan = try PlanDefinition(
            name: "nightly",
            tasks: [
                PlanTaskDefinition(id: "a", agent: "alpha"), PlanTaskDefinition(id: "b", agent: "beta"),
                PlanTaskDefinition(id: "c", agent: "gamma", dependsOn: ["b"]),
            ], failFast: true)
        var run = plan.newRun(for: try BusinessDate("2025-01-15"), requestedBy: "t")
        run.tasks[0].status = .failed
        run.tasks[1].status = .succeeded
        let decision = PlanDecision(definition: plan, run: run, now: now)
        #expect(decision.ready.isEmpty)
        #expect(
            decision.run[task: "c"]?.skipReason
                == PlanSkipReason(upstreamTask: "a", upstreamStatus: .failed, causedByFailure: true))
        #expect(decision.run.status == .failed)
    }

    @Test func anAllDoneLeafThatSucceedsCannotHideAFailure() throws {
        let plan = try PlanDefinition(
            name: "nightly",
            tasks: [
                PlanTaskDefinition(id: "a", agent: "alpha"),
                PlanTaskDefinition(id: "cleanup", agent: "beta", dependsOn: ["a"], rule: .allDone),
            ])
        var run = plan.newRun(for: try BusinessDate("2025-01-15"), requestedBy: "t")
        run.tasks[0].status = .failed
        #expect(PlanDecision(definition: plan, run: run, now: now).ready == ["cleanup"])
        run.tasks[1].status = .succeeded
        #expect(run.derivedStatus == .failed)
    }
}
