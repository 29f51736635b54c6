import AgentCore
import Foundation
import PostgresAgentStore
import Testing

/// Retention removes finished runs in batches and never makes a removed fire runnable again.
@Suite(TestDatabase.available) struct RetentionTests {
    @Test func prunedFiresStaySettledThroughTheClaimLedger() async throws {
        try await TestDatabase.withSchema("retention") { url, schema in
            let clock = ManualClock(start: Date(timeIntervalSince1970: 1_767_225_600))
            let store = try await PostgresAgentStore.open(
                url: url, options: .init(schema: schema, clock: clock, retention: .days(1)))
            defer { store.close() }
            let ids = RunIDGenerator(random: SeededRandomNumberGenerator(seed: 7))
            func record(_ key: String) throws -> RunRecord {
                let request = AgentRunRequest(
                    agent: "nightly", correlationID: "retention", idempotencyKey: try IdempotencyKey(key))
                return RunRecord(id: ids.next(at: clock.now), request: request, queuedAt: clock.now)
            }
            // 25 old fires that succeeded, then a live one.
            var old: [RunRecord] = []
            for index in 0..<25 {
                guard
                    case .claimed(var claimed) = try await store.claimRun(
                        RunClaim(record: try record("fire-\(index)"), owner: "a", leaseDuration: .seconds(30)))
                else { throw TestDatabaseMissing() }
                claimed.status = .succeeded
                claimed.startedAt = claimed.queuedAt
                claimed.endedAt = claimed.queuedAt
                // A character `jsonb` cannot hold: the ledger keeps the removed record anyway.
                claimed.summary = "output \u{0} of fire \(index)"
                try await store.updateRun(claimed)
                old.append(claimed)
            }
            await clock.advance(by: .seconds(2 * 86_400))
            let running = try record("fire-live")
            _ = try await store.claimRun(RunClaim(record: running, owner: "a", leaseDuration: .seconds(30)))

            let report = try await store.pruneHistory(batchSize: 10)
            #expect(report.runs == 25, "pruned \(report.runs) runs, expected the 25 old ones")
            #expect(try await store.run(id: old[0].id) == nil)
            #expect(try await store.run(id: running.id)?.status == .queued, "a live run was pruned")

            // A pruned fire claimed again is a duplicate of the removed run, not a new run.
            let again = try await store.claimRun(
                RunClaim(record: try record("fire-3"), owner: "b", leaseDuration: .seconds(30)))
            #expect(again == .duplicate(of: old[3]), "a pruned fire was claimed again: \(again)")
        }
    }
}
