import AgentCore
import AgentStorage
import Foundation
import Testing

@testable import AgentScheduling

/// The scheduler on the JSON-file store: what it persists survives reopening, and two store instances on one
/// directory (as two processes would have) share the fires.
struct SchedulerJSONFileStoreTests {
    /// A fresh directory under the system's temporary directory, removed at the end of the test.
    private final class Directory: Sendable {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "agentctl-scheduler-\(UUID().uuidString.prefix(8))", isDirectory: true)
        deinit { try? FileManager.default.removeItem(at: url) }
    }

    private static func hour(_ count: Double) -> Date { schedulerEpoch.addingTimeInterval(count * 3600) }

    @Test func aRestartOnAReopenedStoreCatchesUpUnderTheMisfirePolicy() async throws {
        let directory = Directory()
        let clock = ManualClock()
        let agent = probedAgent(
            "hourly", schedule: .interval(.seconds(3600)), policy: RunPolicy(retry: .never, misfire: .runOnce()),
            probe: Probe())
        do {
            let store = try await JSONFileAgentStore.open(directory: directory.url, clock: clock)
            let before = try SchedulerHarness(agents: [agent], clock: clock, store: store)
            await before.tick(at: Self.hour(1))
        }
        await clock.advance(to: Self.hour(4.5))
        let store = try await JSONFileAgentStore.open(directory: directory.url, clock: clock)
        #expect(try await store.scheduleState(for: "hourly")?.nextFireAt == Self.hour(2))
        let after = try SchedulerHarness(agents: [agent], clock: clock, store: store, owner: "scheduler-b")
        await after.tick(at: Self.hour(4.5))
        let records = try await after.records()
        #expect(fires(of: records.filter { $0.status == .succeeded }) == [1, 4].map(Self.hour))
        #expect(fires(of: records.filter { $0.status == .skipped }) == [2, 3].map(Self.hour))
    }

    @Test func twoSchedulersOnTwoInstancesOfOneStoreRunEachFireOnce() async throws {
        let directory = Directory()
        let clock = ManualClock()
        let probe = Probe()
        let agents = (0..<3).map { index in
            probedAgent(AgentName(stringLiteral: "shared-\(index)"), schedule: .interval(.seconds(60)), probe: probe)
        }
        let first = try SchedulerHarness(
            agents: agents, clock: clock,
            store: try await JSONFileAgentStore.open(directory: directory.url, clock: clock),
            owner: "scheduler-a")
        let second = try SchedulerHarness(
            agents: agents, clock: clock,
            store: try await JSONFileAgentStore.open(directory: directory.url, clock: clock),
            owner: "scheduler-b")
        await tickTogether(first, second, everyMinuteFor: 20)
        #expect(probe.starts.count == 3 * 20)
        #expect(Set(probe.starts).count == 3 * 20)
        let records = try await second.records()
        #expect(records.count == 3 * 20)
        #expect(records.allSatisfy { $0.status == .succeeded })
    }
}
