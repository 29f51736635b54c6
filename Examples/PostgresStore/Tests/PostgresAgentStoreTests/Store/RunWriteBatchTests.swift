import AgentCore
import Foundation
import PostgresAgentStore
import Testing

/// The run writes that tasks make at the same time are written in batches; each write keeps its own outcome.
@Suite(TestDatabase.available) struct RunWriteBatchTests {
    @Test func writesMadeAtOnceEachGetTheirOwnOutcome() async throws {
        try await TestDatabase.withSchema("batches") { url, schema in
            let store = try await PostgresAgentStore.open(url: url, options: .init(schema: schema))
            defer { store.close() }
            let ids = RunIDGenerator(random: SeededRandomNumberGenerator(seed: 11))
            func claim(_ key: String, id: RunID? = nil) throws -> RunClaim {
                let request = AgentRunRequest(
                    agent: "batched", correlationID: "batches", idempotencyKey: try IdempotencyKey(key))
                let record = RunRecord(
                    id: id ?? ids.next(at: Date()), request: request, status: .running, queuedAt: Date())
                return RunClaim(record: record, owner: "batcher", leaseDuration: .seconds(60))
            }
            // A settled key and a taken run id, written before.
            guard case .claimed(var settled) = try await store.claimRun(try claim("settled")) else {
                throw TestDatabaseMissing()
            }
            settled.status = .succeeded
            settled.endedAt = settled.queuedAt
            try await store.updateRun(settled)

            // 40 new keys, a claim of the settled key and a claim reusing the settled run's id, all at once.
            let claims =
                try (0..<40).map { try claim("new-\($0)") } + [
                    try claim("settled"), try claim("other", id: settled.id),
                ]
            let claimed = await withTaskGroup(of: (Int, Result<RunClaimOutcome, any Error>).self) { group in
                for (index, claim) in claims.enumerated() {
                    group.addTask {
                        do {
                            return (index, .success(try await store.claimRun(claim)))
                        } catch {
                            return (index, .failure(error))
                        }
                    }
                }
                var outcomes: [Int: Result<RunClaimOutcome, any Error>] = [:]
                for await (index, outcome) in group { outcomes[index] = outcome }
                return outcomes
            }
            var runs: [RunRecord] = []
            for index in 0..<40 {
                guard case .success(.claimed(let record))? = claimed[index] else {
                    Issue.record("new key \(index) was not claimed: \(String(describing: claimed[index]))")
                    continue
                }
                #expect(record.leaseOwner == "batcher" && record.leaseExpiresAt != nil)
                runs.append(record)
            }
            guard case .success(.duplicate(let existing))? = claimed[40] else {
                Issue.record("the settled key was claimed again: \(String(describing: claimed[40]))")
                return
            }
            #expect(existing.id == settled.id)
            guard case .failure(let error as StoreError)? = claimed[41] else {
                Issue.record("a claim with a used run id was answered \(String(describing: claimed[41]))")
                return
            }
            #expect(error.code == .duplicateRunID)

            // The 40 runs end, beside an update of an unknown run and one of the settled run: each fails alone.
            var unknown = runs[0]
            unknown.id = ids.next(at: Date())
            var reopened = settled
            reopened.status = .failed
            let updates =
                runs.map { run -> RunRecord in
                    var ended = run
                    ended.status = .succeeded
                    ended.endedAt = Date()
                    return ended
                } + [unknown, reopened]
            let updated = await withTaskGroup(of: (Int, StoreError.Code?).self) { group in
                for (index, record) in updates.enumerated() {
                    group.addTask {
                        do {
                            try await store.updateRun(record)
                            return (index, nil)
                        } catch {
                            return (index, (error as? StoreError)?.code ?? .io)
                        }
                    }
                }
                var codes: [Int: StoreError.Code?] = [:]
                for await (index, code) in group { codes[index] = code }
                return codes
            }
            #expect((0..<40).allSatisfy { updated[$0] == .some(nil) }, "a valid update failed: \(updated)")
            #expect(updated[40] == .some(.runNotFound))
            #expect(updated[41] == .some(.terminalRecordImmutable))
            for run in runs { #expect(try await store.run(id: run.id)?.status == .succeeded) }
            #expect(try await store.run(id: settled.id)?.status == .succeeded)
        }
    }
}
