import AgentCore
import Foundation

/// Checks of ``CandidateStore``: one candidate per id, at most one active stage run per candidate, a promotion only
/// with its evidence and once per (candidate, stage, digest), and a paused candidate starting nothing until a named
/// person resumes it. Every contended check runs across the two handles.
extension StoreConformanceSuite {
    /// A function that makes a fresh, empty pipeline store reading time from the given clock.
    public typealias PipelineStoreFactory = @Sendable (ManualClock) async throws -> any PipelineStore
    /// A function that opens a second handle on the storage of the given pipeline store.
    public typealias PipelinePeerFactory = @Sendable (any PipelineStore, ManualClock) async throws -> any PipelineStore

    /// The names of the candidate checks, in the order they run.
    public static var candidateCheckNames: [String] { candidateChecks.map(\.name) }

    /// Runs every candidate check (or the named ones) against a store that implements ``PipelineStore``.
    /// - Parameters:
    ///   - only: The names of the checks to run; all when `nil`.
    ///   - makeStore: Makes a fresh, empty store per check.
    ///   - makePeer: Opens a second handle on a store's storage; without it the checks use the store itself.
    /// - Returns: The names of the checks that passed.
    /// - Throws: ``StoreConformanceFailure`` for the first check that fails, or the store's own error.
    @discardableResult
    public static func runCandidates(
        only: Set<String>? = nil, makeStore: PipelineStoreFactory, makePeer: PipelinePeerFactory? = nil
    ) async throws -> [String] {
        try await execute(
            candidateChecks.map { check in
                (check.name, { store, peer, clock in try await check.body(store, peer, clock) })
            }, only: only, makeStore: makeStore, makePeer: makePeer)
    }

    private struct CandidateCheck: Sendable {
        let name: String
        let body: @Sendable (any PipelineStore, any PipelineStore, ManualClock) async throws -> Void
    }

    private static let candidateChecks: [CandidateCheck] = [
        CandidateCheck(name: "candidateSubmitOrGet", body: candidateSubmitOrGet),
        CandidateCheck(name: "oneActiveStageRunPerCandidate", body: oneActiveStageRunPerCandidate),
        CandidateCheck(name: "candidateCompareAndSet", body: candidateCompareAndSet),
        CandidateCheck(name: "promotionNeedsItsEvidenceAndHappensOnce", body: promotionNeedsItsEvidenceAndHappensOnce),
        CandidateCheck(name: "pausedCandidateStartsNothingUntilResumed", body: pausedCandidateStartsNothing),
    ]

    static func candidateSubmitOrGet(_ store: any PipelineStore, _ peer: any PipelineStore, _ clock: ManualClock)
        async throws
    {
        let cursor = try await store.latestChangeCursor()
        let first = try await store.submitCandidate(Candidate(id: "momentum-v7", pipeline: "quant"))
        try expect(first.created && first.candidate.version == 1, "the first submit did not create version 1")
        try expect(
            first.candidate.stage == 0 && first.candidate.state == .ready
                && first.candidate.createdAt == Timestamp.roundedToMilliseconds(clock.now),
            "a new candidate is not ready at stage 0 with the store's now: \(first.candidate)")
        let again = try await peer.submitCandidate(Candidate(id: "momentum-v7", pipeline: "other"))
        try expect(!again.created && again.candidate == first.candidate, "a second submit changed the candidate")
        let feed = try await peer.changes(after: cursor, limit: 10).changes
        try expect(
            feed.count == 1
                && feed.first.map { if case .candidate(let c) = $0.kind { c == first.candidate } else { false } }
                    == true,
            "submitting appended \(feed.count) changes, expected one candidate change")
        let created = try await concurrently(8) { index in
            try await (index.isMultiple(of: 2) ? store : peer).submitCandidate(
                Candidate(id: "carry-v2", pipeline: "quant")
            ).created
        }
        try expect(created.filter { $0 }.count == 1, "concurrent submits created \(created.filter { $0 }.count)")
        try await expectStoreError(.invalidRecord) {
            _ = try await store.submitCandidate(Candidate(id: "", pipeline: "q"))
        }
        let listed = try await peer.candidates(pipeline: "quant", limit: 10).map(\.id)
        try expect(listed == ["carry-v2", "momentum-v7"].sorted(), "candidates(pipeline:) listed \(listed)")
        try expect(try await store.candidates(pipeline: "other", limit: 10).isEmpty, "the pipeline filter leaked")
    }

    static func oneActiveStageRunPerCandidate(
        _ store: any PipelineStore, _ peer: any PipelineStore, _ clock: ManualClock
    ) async throws {
        _ = try await store.submitCandidate(Candidate(id: "c1", pipeline: "quant"))
        let generator = RunIDGenerator()
        let ids = (0..<8).map { _ in generator.next(at: clock.now) }
        let starts = try await concurrently(8) { index in
            try await (index.isMultiple(of: 2) ? store : peer).startStageRun(
                candidateID: "c1", stage: 0, runID: ids[index])
        }
        let started = starts.compactMap { if case .started(let c) = $0 { c } else { nil } }
        try expect(started.count == 1, "\(started.count) of 8 concurrent stage runs started, expected 1")
        guard let winner = started.first, let active = winner.activeRunID else { return }
        try expect(winner.state == .running && winner.attemptCount(at: 0) == 1, "the started candidate: \(winner)")
        let again = try await peer.startStageRun(candidateID: "c1", stage: 0, runID: active)
        guard case .alreadyActive = again else {
            try expect(false, "restarting the active run answered \(again), expected alreadyActive")
            return
        }
        try expect(
            try await store.candidate(id: "c1")?.version == winner.version, "a duplicate start wrote the candidate")
        _ = try await store.submitCandidate(Candidate(id: "c2", pipeline: "quant"))
        guard case .started = try await peer.startStageRun(candidateID: "c2", stage: 0, runID: ids[0]) else {
            try expect(false, "one candidate's active run blocked another candidate")
            return
        }
        try await expectStoreError(.candidateNotFound) {
            _ = try await store.startStageRun(candidateID: "missing", stage: 0, runID: ids[1])
        }
    }

    static func candidateCompareAndSet(_ store: any PipelineStore, _ peer: any PipelineStore, _ clock: ManualClock)
        async throws
    {
        let submitted = try await store.submitCandidate(Candidate(id: "c1", pipeline: "quant")).candidate
        var failed = submitted
        failed.setFailureCount(1, at: 0)
        let stored = try await peer.replaceCandidate(failed, expectedVersion: submitted.version)
        try expect(stored.version == 2 && stored.failureCount(at: 0) == 1, "replace did not store version 2")
        try await expectStoreError(.versionConflict) {
            _ = try await store.replaceCandidate(failed, expectedVersion: submitted.version)
        }
        var moved = stored
        moved.stage = 1
        try await expectStoreError(.transitionRefused) {
            _ = try await store.replaceCandidate(moved, expectedVersion: stored.version)
        }
        var sneaked = stored
        sneaked.activeRunID = RunIDGenerator().next(at: clock.now)
        sneaked.state = .running
        try await expectStoreError(.transitionRefused) {
            _ = try await store.replaceCandidate(sneaked, expectedVersion: stored.version)
        }
        // Concurrent compare-and-sets from one version: exactly one wins.
        let outcomes = try await concurrently(6) { index in
            var next = stored
            next.setFailureCount(10 + index, at: 0)
            do {
                _ = try await (index.isMultiple(of: 2) ? store : peer).replaceCandidate(
                    next, expectedVersion: stored.version)
                return true
            } catch let error as StoreError where error.code == .versionConflict {
                return false
            }
        }
        try expect(outcomes.filter { $0 }.count == 1, "\(outcomes.filter { $0 }.count) compare-and-sets won")
    }

    static func promotionNeedsItsEvidenceAndHappensOnce(
        _ store: any PipelineStore, _ peer: any PipelineStore, _ clock: ManualClock
    ) async throws {
        _ = try await store.submitCandidate(Candidate(id: "c1", pipeline: "quant"))
        let runID = RunIDGenerator().next(at: clock.now)
        let running = try await store.startStageRun(candidateID: "c1", stage: 0, runID: runID).candidate
        let promotion = Promotion(
            candidateID: "c1", stage: 0, artifactDigest: "sha256:aaa", runID: runID, completesPipeline: false)
        try await expectStoreError(.transitionRefused) { _ = try await peer.promote(promotion) }
        var gated = running
        gated.activeRunID = nil
        gated.state = .gating
        gated.gate = GateRecord(
            stage: 0, runID: runID, outcome: .passed, artifactDigest: "sha256:aaa", evidence: "sharpe 1.4",
            at: clock.now)
        let stored = try await store.replaceCandidate(gated, expectedVersion: running.version)
        var otherDigest = promotion
        otherDigest.artifactDigest = "sha256:bbb"
        try await expectStoreError(.transitionRefused) { _ = try await peer.promote(otherDigest) }
        await clock.advance(by: .seconds(5))
        let results = try await concurrently(6) { index in
            try await (index.isMultiple(of: 2) ? store : peer).promote(promotion)
        }
        try expect(results.filter(\.created).count == 1, "\(results.filter(\.created).count) promotions were created")
        let moved = try await peer.candidate(id: "c1")
        try expect(
            moved?.stage == 1 && moved?.state == .ready && moved?.gate == nil && moved?.version == stored.version + 1,
            "the promotion did not move the candidate to stage 1, ready: \(String(describing: moved))")
        try expect(
            moved?.readySince == Timestamp.roundedToMilliseconds(clock.now), "readySince is not the promotion time")
        let promotions = try await store.promotions(candidateID: "c1")
        try expect(promotions.count == 1 && promotions.first?.runID == runID, "promotions stored: \(promotions)")
        let replay = try await store.promote(promotion)
        try expect(!replay.created && replay.candidate.stage == 1, "a replayed promotion moved the candidate again")
        var human = Promotion(
            candidateID: "c1", stage: 1, artifactDigest: "sha256:ccc", runID: nil, overriddenBy: " ",
            completesPipeline: true)
        try await expectStoreError(.transitionRefused) { _ = try await store.promote(human) }
        human.overriddenBy = "alice"
        let done = try await peer.promote(human)
        try expect(done.created && done.candidate.state == .completed, "a named override did not complete it")
        try expect(
            try await store.promotions(candidateID: "c1").last?.overriddenBy == "alice", "the override lost its name")
    }

    static func pausedCandidateStartsNothing(
        _ store: any PipelineStore, _ peer: any PipelineStore, _ clock: ManualClock
    ) async throws {
        var candidate = try await store.submitCandidate(Candidate(id: "c1", pipeline: "quant")).candidate
        candidate.setFailureCount(3, at: 0)
        candidate.state = .paused(PauseRecord(by: "pipeline", reason: "3 final failures", at: clock.now))
        let paused = try await store.replaceCandidate(candidate, expectedVersion: candidate.version)
        let runID = RunIDGenerator().next(at: clock.now)
        guard case .refused = try await peer.startStageRun(candidateID: "c1", stage: 0, runID: runID) else {
            try expect(false, "a paused candidate started a stage run")
            return
        }
        var unpaused = paused
        unpaused.state = .ready
        try await expectStoreError(.transitionRefused) {
            _ = try await peer.replaceCandidate(unpaused, expectedVersion: paused.version)
        }
        try await expectStoreError(.transitionRefused) {
            _ = try await store.resumeCandidate(id: "c1", by: "", comment: nil)
        }
        let resumed = try await peer.resumeCandidate(id: "c1", by: "alice", comment: "fixed the data feed")
        try expect(
            resumed.state == .ready && resumed.failureCount(at: 0) == 0,
            "resume did not reset the candidate: \(resumed)")
        try await expectStoreError(.transitionRefused) {
            _ = try await store.resumeCandidate(id: "c1", by: "alice", comment: nil)
        }
        guard case .started = try await store.startStageRun(candidateID: "c1", stage: 0, runID: runID) else {
            try expect(false, "a resumed candidate did not start its stage run")
            return
        }
    }

    /// Runs `count` copies of `body` at once and returns their answers in index order.
    private static func concurrently<T: Sendable>(
        _ count: Int, _ body: @escaping @Sendable (Int) async throws -> T
    ) async throws -> [T] {
        try await withThrowingTaskGroup(of: (Int, T).self) { group in
            for index in 0..<count { group.addTask { (index, try await body(index)) } }
            var answers: [(Int, T)] = []
            for try await answer in group { answers.append(answer) }
            return answers.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }
}
