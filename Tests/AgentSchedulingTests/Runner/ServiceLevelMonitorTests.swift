import AgentCore
import AgentStorage
import Foundation
import HTTPTestSupport
import Synchronization
import TestDeadlines
import Testing

@testable import AgentScheduling

struct ServiceLevelMonitorTests {
    /// 2026-01-01 00:00 UTC.
    private static let midnight = Date(timeIntervalSince1970: 1_767_225_600)
    private static func at(hours: Double) -> Date { midnight.addingTimeInterval(hours * 3600) }

    /// A monitor on its own broadcaster, running in a task, with every event it (and the notifier) emitted.
    private final class Watch: Sendable {
        let events = EventBroadcaster()
        let monitor: ServiceLevelMonitor
        let task: Task<Void, Never>
        private let collected = Mutex<[RunEvent]>([])

        init(
            _ agents: [any AgentDefinition], store: any AgentStore, clock: ManualClock, owner: String,
            grace: Duration = .seconds(300)
        ) {
            monitor = ServiceLevelMonitor(
                agents: agents, store: store, clock: clock, events: events, owner: owner, overdueGracePeriod: grace)
            let monitor = self.monitor
            task = Task { await monitor.run() }
            events.addSink { event in self.collected.withLock { $0.append(event) } }
        }

        func of(_ kind: RunEvent.Kind) -> [RunEvent] { collected.withLock { $0.filter { $0.kind == kind } } }

        func waitUntilArmed(_ count: Int) async {
            for _ in 0..<100_000 where monitor.armedCount < count { await Task.yield() }
        }

        func waitUntilEvaluated(_ count: Int) async {
            for _ in 0..<1_000_000 where monitor.evaluatedCount < count { await Task.yield() }
            #expect(monitor.evaluatedCount >= count, "the monitor did not check its deadlines")
        }
    }

    private static func agent(
        _ name: AgentName, schedule: ScheduleConfiguration = .manualOnly, serviceLevel: ServiceLevel,
        work: Duration = .zero
    ) -> ClosureAgent {
        ClosureAgent(
            name: name, schedule: schedule, policy: RunPolicy(timeout: .seconds(7200), serviceLevel: serviceLevel)
        ) {
            _, context in
            if work > .zero { try await context.clock.sleep(for: work) }
            return .succeeded()
        }
    }

    private static let bySix = ServiceLevel(mustSucceedBy: ServiceLevel.TimeOfDay(hour: 6, minute: 0))

    @Test func parsesTimesOfDay() {
        #expect(ServiceLevel.TimeOfDay(parsing: "06:00") == ServiceLevel.TimeOfDay(hour: 6, minute: 0))
        #expect(ServiceLevel.TimeOfDay(parsing: "6:05")?.description == "06:05")
        for bad in ["24:00", "06:60", "6", "06:0", "aa:bb", "-1:00", "06:00:00"] {
            #expect(ServiceLevel.TimeOfDay(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test func aMissedMustSucceedByIsAnnouncedOnceAndPosted() async throws {
        let server = try TestHTTPServer()
        let clock = ManualClock(start: Self.midnight)
        let store = InMemoryAgentStore(clock: clock)
        let watch = Watch([Self.agent("report", serviceLevel: Self.bySix)], store: store, clock: clock, owner: "r1")
        let notifier = try WebhookNotifier(
            webhooks: [.localServer(server.url, triggers: WebhookTrigger.defaultTriggers)], store: store, clock: clock)
        notifier.attach(to: watch.events)
        await watch.waitUntilArmed(1)
        await clock.advance(to: Self.at(hours: 6))
        await watch.waitUntilEvaluated(1)
        let breaches = watch.of(.slaBreached)
        #expect(breaches.count == 1)
        #expect(
            breaches.first?.serviceLevelBreach
                == ServiceLevelBreach(rule: .mustSucceedBy, deadline: Self.at(hours: 6), day: "2026-01-01"))
        await notifier.drain()
        #expect(server.requests.count == 1)
        let body = try #require(try server.requests.first?.json())
        #expect(body["notification"] as? String == "slaBreach")
        #expect(body["rule"] as? String == "mustSucceedBy")
        watch.task.cancel()
    }

    @Test func aRunThatSucceededInTimeMeetsTheDeadline() async throws {
        let clock = ManualClock(start: Self.midnight)
        let store = InMemoryAgentStore(clock: clock)
        let agent = Self.agent("report", serviceLevel: Self.bySix)
        let watch = Watch([agent], store: store, clock: clock, owner: "r1")
        await watch.waitUntilArmed(1)
        await clock.advance(to: Self.at(hours: 5.5))
        _ = try await Orchestrator(store: store, clock: clock).execute(AgentRunRequest(agent: "report"), agent: agent)
        await clock.advance(to: Self.at(hours: 30))
        await watch.waitUntilEvaluated(2)
        // The first day was met; the second day (no run) is the only breach.
        #expect(watch.of(.slaBreached).map { $0.serviceLevelBreach?.day } == ["2026-01-02"])
        watch.task.cancel()
    }

    @Test func twoRunnersOnOneStoreAnnounceABreachOnce() async throws {
        let clock = ManualClock(start: Self.midnight)
        let store = InMemoryAgentStore(clock: clock)
        let agent = Self.agent("report", serviceLevel: Self.bySix)
        let first = Watch([agent], store: store, clock: clock, owner: "r1")
        let second = Watch([agent], store: store, clock: clock, owner: "r2")
        await first.waitUntilArmed(1)
        await second.waitUntilArmed(1)
        await clock.advance(to: Self.at(hours: 6))
        await first.waitUntilEvaluated(1)
        await second.waitUntilEvaluated(1)
        #expect(first.of(.slaBreached).count + second.of(.slaBreached).count == 1)
        first.task.cancel()
        second.task.cancel()
    }

    @Test func aRunOverItsMaxDurationIsAnnouncedOncePerRun() async throws {
        let clock = ManualClock(start: Self.midnight)
        let store = InMemoryAgentStore(clock: clock)
        let slow = Self.agent("slow", serviceLevel: ServiceLevel(maxDuration: .seconds(600)), work: .seconds(1800))
        let watch = Watch([slow], store: store, clock: clock, owner: "r1")
        let orchestrator = Orchestrator(store: store, clock: clock, events: watch.events)
        let run = Task { try await orchestrator.execute(AgentRunRequest(agent: "slow"), agent: slow) }
        await watch.waitUntilArmed(1)
        await clock.advance(by: .seconds(600))
        await watch.waitUntilEvaluated(1)
        let breach = try #require(watch.of(.slaBreached).first)
        #expect(breach.serviceLevelBreach?.rule == .maxDuration)
        #expect(breach.serviceLevelBreach?.deadline == Self.midnight.addingTimeInterval(600))
        for _ in 0..<20 { await clock.advance(by: .seconds(120)) }
        let record = try await within("the task to end") { try await run.value }.record
        #expect(record.status == .succeeded)
        #expect(breach.runID == record.id)
        #expect(watch.of(.slaBreached).count == 1)
        watch.task.cancel()
    }

    @Test func aFireWithoutARecordIsOverdueOnceAndAFireWithOneIsNot() async throws {
        let clock = ManualClock(start: Self.midnight)
        let store = InMemoryAgentStore(clock: clock)
        let hourly = Self.agent("hourly", schedule: .cron("0 * * * *"), serviceLevel: .none)
        let first = Watch([hourly], store: store, clock: clock, owner: "r1")
        let second = Watch([hourly], store: store, clock: clock, owner: "r2")
        await first.waitUntilArmed(1)
        await second.waitUntilArmed(1)
        // The 01:00 fire runs (a record exists); the 00:00 and 02:00 fires have none.
        await clock.advance(to: Self.at(hours: 1))
        _ = try await Orchestrator(store: store, clock: clock).execute(
            AgentRunRequest(agent: "hourly", trigger: .scheduled(at: Self.at(hours: 1))), agent: hourly)
        await clock.advance(to: Self.at(hours: 2 + 5.0 / 60))
        await first.waitUntilEvaluated(3)
        await second.waitUntilEvaluated(3)
        let overdue = first.of(.fireOverdue) + second.of(.fireOverdue)
        #expect(overdue.compactMap(\.overdueFire?.fire).sorted() == [Self.at(hours: 0), Self.at(hours: 2)])
        #expect(overdue.first?.overdueFire?.overdueSince == overdue.first?.overdueFire?.fire.addingTimeInterval(300))
        first.task.cancel()
        second.task.cancel()
    }

    @Test func firesBeforeTheStoreKnewTheAgentAreNotOverdueButFiresMissedWhileRunnersWereDownAre() async throws {
        let started = Self.midnight.addingTimeInterval(150)  // 00:02:30
        let minutely = Self.agent("minutely", schedule: .cron("* * * * *"), serviceLevel: .none)
        // A fresh store: no runner ever scheduled the agent, so nothing before the start was due.
        let freshClock = ManualClock(start: started)
        let fresh = Watch(
            [minutely], store: InMemoryAgentStore(clock: freshClock), clock: freshClock, owner: "r1")
        await fresh.waitUntilArmed(1)
        await freshClock.advance(to: Self.midnight.addingTimeInterval(450))  // 00:07:30
        try? await Task.sleep(for: .milliseconds(20))
        #expect(fresh.of(.fireOverdue).isEmpty, "fires before the store knew the agent were reported overdue")
        fresh.task.cancel()

        // The store says the 00:00 fire was next when every runner went down: 00:00 to 00:02 are overdue.
        let clock = ManualClock(start: started)
        let store = InMemoryAgentStore(clock: clock)
        try await store.saveScheduleState(ScheduleState(agentName: "minutely", nextFireAt: Self.midnight))
        let back = Watch([minutely], store: store, clock: clock, owner: "r2")
        await back.waitUntilArmed(1)
        await clock.advance(to: Self.midnight.addingTimeInterval(450))
        await back.waitUntilEvaluated(3)
        let fires = back.of(.fireOverdue).compactMap(\.overdueFire?.fire).sorted()
        #expect(fires == [0, 60, 120].map { Self.midnight.addingTimeInterval($0) })
        back.task.cancel()
    }
}
