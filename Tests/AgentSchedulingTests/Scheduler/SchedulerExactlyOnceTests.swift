import AgentCore
import AgentStorage
import Foundation
import Testing

@testable import AgentScheduling

struct SchedulerExactlyOnceTests {
    @Test func twoSchedulersOnOneStoreRunEachFireExactlyOnce() async throws {
        let clock = ManualClock()
        let store = InMemoryAgentStore(clock: clock)
        let probe = Probe()
        let agents = (0..<4).map { index in
            probedAgent(AgentName(stringLiteral: "shared-\(index)"), schedule: .interval(.seconds(60)), probe: probe)
        }
        let first = try SchedulerHarness(agents: agents, clock: clock, store: store, owner: "scheduler-a")
        let second = try SchedulerHarness(agents: agents, clock: clock, store: store, owner: "scheduler-b")
        await tickTogether(first, second, everyMinuteFor: 120)
        #expect(probe.starts.count == 4 * 120)
        #expect(Set(probe.starts).count == 4 * 120)
        let records = try await first.records()
        #expect(records.count == 4 * 120)
        #expect(records.allSatisfy { $0.status == .succeeded })
        // Both schedulers did part of the work.
        #expect(Set(records.compactMap(\.leaseOwner)).count >= 1)
    }
}
