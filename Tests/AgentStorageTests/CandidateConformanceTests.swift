import AgentCore
import AgentStorage
import Foundation
import Testing

struct CandidateConformanceTests {
    @Test(arguments: StoreConformanceSuite.candidateCheckNames)
    func inMemoryStorePassesTheCandidateCheck(_ check: String) async throws {
        let passed = try await StoreConformanceSuite.runCandidates(only: [check]) { clock in
            InMemoryAgentStore(clock: clock)
        }
        #expect(passed == [check])
    }

    @Test(arguments: StoreConformanceSuite.candidateCheckNames)
    func jsonFileStorePassesTheCandidateCheckWithAPeer(_ check: String) async throws {
        // The peer is a second instance on the same directory, as another process would open it.
        let directory = TemporaryDirectory("candidate-conformance")
        let passed = try await StoreConformanceSuite.runCandidates(
            only: [check],
            makeStore: { clock in try await JSONFileAgentStore.open(directory: directory.url, clock: clock) },
            makePeer: { _, clock in try await JSONFileAgentStore.open(directory: directory.url, clock: clock) })
        #expect(passed == [check])
    }

    @Test func jsonFileStoreKeepsCandidatesAndPromotionsThroughCompactionAndReopening() async throws {
        let directory = TemporaryDirectory("candidate-compaction")
        let clock = ManualClock(start: Date(timeIntervalSince1970: 1_767_225_600))
        let store = try await JSONFileAgentStore.open(directory: directory.url, clock: clock)
        _ = try await store.submitCandidate(Candidate(id: "c1", pipeline: "quant"))
        let promoted = try await store.promote(
            Promotion(
                candidateID: "c1", stage: 0, artifactDigest: "sha256:aaa", runID: nil, overriddenBy: "alice",
                completesPipeline: false))
        var paused = promoted.candidate
        paused.state = .paused(PauseRecord(by: "pipeline", reason: "gate inconclusive", at: clock.now))
        let stored = try await store.replaceCandidate(paused, expectedVersion: paused.version)
        _ = try await store.compact()
        let reopened = try await JSONFileAgentStore.open(directory: directory.url, clock: clock)
        #expect(try await reopened.candidate(id: "c1") == stored)
        #expect(try await reopened.promotions(candidateID: "c1") == [promoted.promotion])
        let replay = try await reopened.promote(
            Promotion(
                candidateID: "c1", stage: 0, artifactDigest: "sha256:aaa", runID: nil, overriddenBy: "alice",
                completesPipeline: false))
        #expect(!replay.created)
        #expect(try await reopened.resumeCandidate(id: "c1", by: "bob", comment: nil).state == .ready)
    }
}
