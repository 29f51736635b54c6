import AgentCore
import AgentScheduling
import Foundation
import ProcessTestSupport
import Testing

@testable import AgentStorage

/// Two scheduler processes (`agent-test-tool scheduler-soak`) on one JSON-file store: every fire runs exactly once.
///
/// It lives beside the store's process tests, whose target builds the test tool; the scheduler's own tests
/// are in `AgentSchedulingTests/Scheduler`.
@Suite(.serialized)
struct SchedulerProcessTests {
    @Test func twoSchedulerProcessesOnOneStoreRunEachFireExactlyOnce() async throws {
        let tool = try TestExecutable.locate("agent-test-tool")
        let directory = TemporaryDirectory("scheduler-soak")
        let agents = 8
        let interval = 100
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let origin = (now / 1000 + 3) * 1000
        let until = origin + 5000
        let children = try (0..<2).map { index in
            try TestProcess(
                executable: tool,
                arguments: [
                    "scheduler-soak", directory.path, "--owner", "process-\(index)", "--origin", "\(origin)",
                    "--until", "\(until)", "--agents", "\(agents)", "--interval-ms", "\(interval)",
                ])
        }
        defer { for child in children { child.kill() } }
        // Both run until `until` (about 8 s from now) and then stop; the deadline leaves room for a loaded machine.
        var lines: [String] = []
        for child in children {
            let exit = try await child.waitForExit(timeout: .seconds(60))
            #expect(exit.status == 0, "\(exit.err)")
            lines += exit.lines
        }

        // A process runs the fires after its agents were registered; under load it may start after the origin.
        let readyTimes = lines.filter { $0.hasPrefix("ready ") }.compactMap { Int64($0.split(separator: " ")[2]) }
        try #require(readyTimes.count == 2, "both processes report when they are ready")
        let firstReady = try #require(readyTimes.min())

        var executions: [String: [String]] = [:]
        for line in lines where line.hasPrefix("ran ") {
            let fields = line.split(separator: " ").map(String.init)
            try #require(fields.count == 4, "unexpected line \(line)")
            executions["\(fields[1])@\(fields[2])", default: []].append(fields[3])
        }
        let doubled = executions.filter { $0.value.count > 1 }
        #expect(doubled.isEmpty, "fires that ran more than once: \(doubled.keys.sorted().prefix(10))")
        // Every fire from the first registration up to shortly before the stop ran (in one process or the other).
        let settled = until - 500
        var expected: Set<String> = []
        for agent in 0..<agents {
            for fire in stride(from: origin, through: settled, by: interval) where fire > firstReady {
                expected.insert("soak-\(agent)@\(fire)")
            }
        }
        let missing = expected.subtracting(executions.keys)
        #expect(missing.isEmpty, "fires that never ran: \(missing.sorted().prefix(10))")
        #expect(expected.count >= 200, "only \(expected.count) fires were due while both processes ran")
        let owners = Set(executions.values.flatMap { $0 })
        #expect(owners.count == 2, "only \(owners) did any work")

        // The store agrees: one record per fire, succeeded, and as many as there were executions.
        let store = try await JSONFileAgentStore.open(directory: directory.url)
        var records: [RunRecord] = []
        var query = RunQuery(limit: RunQuery.maximumLimit)
        while true {
            let page = try await store.queryRuns(query)
            records += page.records
            guard let cursor = page.nextCursor else { break }
            query.cursor = cursor
        }
        let executed = records.filter { $0.status != .skipped }
        #expect(executed.count == executions.count)
        #expect(executed.allSatisfy { $0.status == .succeeded })
        let keys = executed.map { "\($0.agentName)@\($0.trigger.nominalFireTime.map(Timestamp.milliseconds) ?? -1)" }
        #expect(Set(keys).count == keys.count)
        #expect(Set(keys) == Set(executions.keys))
    }
}
