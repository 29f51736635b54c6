import AgentCore
import AgentScheduling
import Foundation
import PostgresAgentStore
import Synchronization
import Testing

/// A pause written through one node reaches every other node's runner within a second and is never undone by their
/// saves. Each node is a runner on a store handle of its own (its own connection pool and LISTEN connection), as
/// separate hosts would have; the schedule follows a manual clock, so fires pass without waiting for them.
@Suite(TestDatabase.available) struct PauseAcrossNodesTests {
    @Test func aPauseOnOneNodeHoldsOnEveryNodeWithinASecondAndIsNeverUndone() async throws {
        try await TestDatabase.withSchema("pause") { url, schema in
            let options = PostgresAgentStore.Options(schema: schema)
            let control = try await PostgresAgentStore.open(url: url, options: options)
            let nodes = [
                try await PostgresAgentStore.open(url: url, options: options),
                try await PostgresAgentStore.open(url: url, options: options),
            ]
            defer {
                control.close()
                for node in nodes { node.close() }
            }
            let clock = ManualClock(start: Date(timeIntervalSince1970: 1_767_225_600))  // 2026-01-01 00:00 UTC
            let ran = Atomic<Int>(0)
            let agent = ClosureAgent(name: "minutely", schedule: .cron("* * * * *")) { _, _ in
                ran.add(1, ordering: .relaxed)
                return AgentRunResult(outcome: .succeeded)
            }
            var runners: [AgentRunner] = []
            for (index, node) in nodes.enumerated() {
                var scheduler = SchedulerConfiguration()
                scheduler.owner = "node-\(index)"
                runners.append(
                    try AgentRunner(
                        agents: [agent], store: node, clock: clock,
                        options: AgentRunner.Options(scheduler: scheduler, role: "test")))
            }
            let tasks = runners.map { runner in Task { try await runner.run() } }
            defer { for task in tasks { task.cancel() } }
            for runner in runners {
                try await poll("a runner's scheduler to park", seconds: 30) {
                    await runner.scheduler.agents().first?.nextFireAt != nil
                }
            }

            let started = ContinuousClock.now
            _ = try await RunnerControl(store: control, requester: "operator").pause("minutely", reason: "migration")
            var applied: [Duration] = []
            for runner in runners {
                try await poll("the pause to reach every node", seconds: 10) {
                    await runner.scheduler.agents().first?.isPaused == true
                }
                applied.append(started.duration(to: .now))
            }
            print("pause applied on every node after \(applied)")
            #expect(applied.allSatisfy { $0 < .seconds(1) }, "the pause reached the nodes after \(applied)")

            // Fires pass on every node; each saves its schedule state, never over the pause.
            for _ in 0..<3 {
                await clock.advance(by: .seconds(60))
                for runner in runners {
                    try await withRealTimeDeadline(
                        seconds: 30,
                        PollTimeout(description: "timed out after 30 s waiting for a node's scheduler to settle")
                    ) { await runner.scheduler.waitUntilQuiet() }
                }
            }
            let stored = try await control.scheduleState(for: "minutely")
            #expect(stored?.isPaused == true)
            #expect(stored?.pausedReason == "migration")
            #expect(ran.load(ordering: .relaxed) == 0, "a paused agent ran")
            #expect(try await control.queryRuns(RunQuery(agent: "minutely")).records.isEmpty)

            for task in tasks { task.cancel() }
            for (index, task) in tasks.enumerated() {
                let ended = Atomic<Bool>(false)
                let waiter = Task {
                    _ = await task.result
                    ended.store(true, ordering: .relaxed)
                }
                defer { waiter.cancel() }
                // A shutdown that waits on the manual clock (grace periods) is moved along.
                try await poll("node \(index) to shut down", seconds: 30) {
                    await clock.advance(by: .seconds(1))
                    return ended.load(ordering: .relaxed)
                }
            }
        }
    }
}
