import AgentCore
import AgentScheduling
import Foundation
import PostgresAgentStore
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Several nodes on one database. The soaks run `agent-runner-pg serve` processes with an every-second agent whose
/// command logs its nominal fire time, runners killed with SIGKILL and restarted (and, in the outage test,
/// PostgreSQL stopped for 10 s); then a pause made on one node must hold on the others.
///
/// Real time runs in the soaks: the schedule is the real clock of four real processes. Every wait has a deadline.
/// Their length is `AGENT_RUNNER_PG_SOAK_SECONDS` (default 30; the acceptance run uses 60).
@Suite(TestDatabase.available, .serialized) struct MultiNodeTests {
    static var soakSeconds: Int {
        Int(ProcessInfo.processInfo.environment["AGENT_RUNNER_PG_SOAK_SECONDS"] ?? "") ?? 30
    }

    @Test func everyFireRunsAtMostOnceWhileRunnersAreKilled() async throws {
        try await TestDatabase.withSchema("soak") { url, schema in
            let soak = try await Soak(url: url, schema: schema)
            let window = try await soak.run(seconds: Self.soakSeconds, outage: false)
            let report = try await soak.verify(window: window)
            print("soak with kills: \(report)")
            #expect(report.expected >= Self.soakSeconds - 8, "the soak covered only \(report.expected) fires")
            #expect(report.duplicates.isEmpty, "fires that ran twice: \(report.duplicates)")
            #expect(
                report.coverage >= 0.9,
                "only \(report.ran) of \(report.expected) fires ran (\(Int(report.coverage * 100)) %), expected >= 90 %"
            )
            #expect(report.unfinished.isEmpty, "runs left unfinished: \(report.unfinished)")
            #expect(report.unannounced.isEmpty, "abandoned runs never notified: \(report.unannounced)")
            #expect(report.abandoned > 0, "no run of a killed runner was abandoned: the kills hit no running run")
        }
    }

    @Test(
        .enabled(
            if: ProcessInfo.processInfo.environment["AGENT_RUNNER_PG_CTL"] != nil,
            "AGENT_RUNNER_PG_CTL is not set: no way to stop and start the server (run under .ci/with-postgres)"))
    func runnersRecoverFromADatabaseOutage() async throws {
        try await TestDatabase.withSchema("outage") { url, schema in
            let soak = try await Soak(url: url, schema: schema)
            let window = try await soak.run(seconds: max(Self.soakSeconds, 45), outage: true)
            let report = try await soak.verify(window: window)
            print("soak with an outage: \(report)")
            #expect(report.duplicates.isEmpty, "fires that ran twice: \(report.duplicates)")
            #expect(report.unfinished.isEmpty, "runs left unfinished: \(report.unfinished)")
            #expect(
                report.exitedDuringOutage.isEmpty, "runners that exited during the outage: \(report.exitedDuringOutage)"
            )
            #expect(
                report.missingAfterRecovery.isEmpty,
                "fires after the recovery that did not run: \(report.missingAfterRecovery.map(Timestamp.format))")
        }
    }

    /// A pause written through one node reaches every other node's runner within a second and is never undone by
    /// their saves. Each node is a runner on a store handle of its own (its own connection pool and LISTEN
    /// connection), as separate hosts would have; the schedule follows a manual clock, so fires pass without waiting
    /// for them. It is declared last in this serialized suite, so it runs after the soaks, when the suites that run
    /// in parallel with this one have finished: its one-second bound measures the feed, not a saturated machine.
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

            // "Made" means committed: the clock starts when the write returns, so a slow commit is reported apart
            // from how fast the nodes learn of it.
            let writeStarted = ContinuousClock.now
            _ = try await RunnerControl(store: control, requester: "operator").pause("minutely", reason: "migration")
            let made = ContinuousClock.now
            var applied: [Duration] = []
            for runner in runners {
                try await poll("the pause to reach every node", seconds: 10) {
                    await runner.scheduler.agents().first?.isPaused == true
                }
                applied.append(made.duration(to: .now))
            }
            let write = writeStarted.duration(to: made)
            print("pause written in \(write), applied on every node \(applied) after that")
            #expect(
                applied.allSatisfy { $0 < .seconds(1) },
                "the pause reached the nodes \(applied) after it was written (the write took \(write))")

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
