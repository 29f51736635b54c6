import AgentCore
import Foundation

/// Pipeline candidates and promotions, with the rules of ``CandidateStore``: the in-memory and JSON-file stores keep
/// one and apply every candidate operation through it under their lock, so both enforce the same invariants.
///
/// The `…ing` methods only compute what is to be stored; the store writes it (to its journal) and then calls
/// ``put(_:)-(Candidate)`` or ``put(_:)-(Promotion)``. Nothing is ever pruned.
package struct CandidateTable: Sendable {
    /// Candidates by id.
    package private(set) var candidatesByID: [String: Candidate] = [:]
    /// Promotions by candidate, oldest first.
    package private(set) var promotionsByCandidate: [String: [Promotion]] = [:]

    /// Creates an empty table.
    package init() {}

    /// Every candidate, oldest submission first.
    package var allCandidates: [Candidate] {
        candidatesByID.values.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    /// Every promotion, oldest first.
    package var allPromotions: [Promotion] {
        promotionsByCandidate.values.joined().sorted {
            ($0.at, $0.candidateID, $0.stage) < ($1.at, $1.candidateID, $1.stage)
        }
    }

    /// Candidates as ``CandidateStore/candidates(pipeline:limit:)``.
    package func candidates(pipeline: String?, limit: Int) -> [Candidate] {
        Array(allCandidates.filter { pipeline == nil || $0.pipeline == pipeline }.prefix(max(0, limit)))
    }

    /// Stores a candidate as computed below (or read from a journal).
    package mutating func put(_ candidate: Candidate) { candidatesByID[candidate.id] = candidate }

    /// Stores a promotion as computed below (or read from a journal); a repeated key is kept once.
    package mutating func put(_ promotion: Promotion) {
        var list = promotionsByCandidate[promotion.candidateID] ?? []
        guard !list.contains(where: { Self.sameKey($0, promotion) }) else { return }
        list.append(promotion)
        promotionsByCandidate[promotion.candidateID] = list
    }

    // MARK: Operations

    /// What ``CandidateStore/submitCandidate(_:)`` stores: the new candidate (`created`), or the existing one.
    /// - Throws: ``StoreError`` with `invalidRecord` for a bad id or pipeline.
    package func submitting(_ candidate: Candidate, now: Date) throws(StoreError) -> (
        candidate: Candidate, created: Bool
    ) {
        if let existing = candidatesByID[candidate.id] { return (existing, false) }
        for (what, value) in [("id", candidate.id), ("pipeline", candidate.pipeline)] {
            guard !value.isEmpty, value.utf8.count <= 200 else {
                throw StoreError(.invalidRecord, "a candidate needs a \(what) of 1-200 bytes, not \"\(value)\"")
            }
        }
        let now = Timestamp.roundedToMilliseconds(now)
        var stored = Candidate(id: candidate.id, pipeline: candidate.pipeline, at: now)
        stored.version = 1
        return (stored, true)
    }

    /// The answer of ``CandidateStore/startStageRun(candidateID:stage:runID:)``; store its candidate when `changed`.
    /// - Throws: ``StoreError`` with `candidateNotFound`.
    package func starting(candidateID: String, stage: Int, runID: RunID, now: Date) throws(StoreError) -> (
        start: StageRunStart, changed: Bool
    ) {
        let current = try existing(candidateID)
        if current.activeRunID == runID { return (.alreadyActive(current), false) }
        let refusal: String? =
            if let pause = current.state.pause {
                "candidate \(candidateID) is paused by \(pause.by) (\(pause.reason)); a named person must resume it"
            } else if current.state.isFinal {
                "candidate \(candidateID) is \(current.state.name); it runs no more stages"
            } else if let active = current.activeRunID {
                "candidate \(candidateID) already has an active stage run (\(active)); one runs at a time"
            } else if current.stage != stage {
                "candidate \(candidateID) is at stage \(current.stage), not \(stage)"
            } else if current.state != .ready {
                "candidate \(candidateID) is \(current.state.name), not ready for a stage run"
            } else {
                nil
            }
        if let refusal { return (.refused(current, reason: refusal), false) }
        var stored = current
        stored.activeRunID = runID
        stored.state = .running
        stored.setAttemptCount(current.attemptCount(at: stage) + 1, at: stage)
        return (.started(bumped(stored, from: current, now: now)), true)
    }

    /// What ``CandidateStore/replaceCandidate(_:expectedVersion:)`` stores.
    /// - Throws: ``StoreError`` with `candidateNotFound`, `versionConflict`, `transitionRefused` or `invalidRecord`.
    package func replacing(_ candidate: Candidate, expectedVersion: UInt64, now: Date) throws(StoreError) -> Candidate {
        let current = try existing(candidate.id)
        guard current.version == expectedVersion else {
            throw StoreError(
                .versionConflict,
                "candidate \(candidate.id) is at version \(current.version), not \(expectedVersion): it was changed meanwhile; read it again"
            )
        }
        guard current.pipeline == candidate.pipeline, current.stage == candidate.stage else {
            throw StoreError(
                .transitionRefused,
                "candidate \(candidate.id): its pipeline never changes and its stage changes only by a promotion")
        }
        if candidate.activeRunID != nil, candidate.activeRunID != current.activeRunID {
            throw StoreError(
                .transitionRefused, "candidate \(candidate.id): a stage run becomes active only by starting it")
        }
        if current.state.pause != nil, candidate.state.pause == nil {
            throw StoreError(
                .transitionRefused, "candidate \(candidate.id) is paused; only a named person's resume ends a pause")
        }
        if current.state.isFinal, candidate.state != current.state {
            throw StoreError(.transitionRefused, "candidate \(candidate.id) is \(current.state.name); it is final")
        }
        if candidate.state == .running, candidate.activeRunID == nil {
            throw StoreError(.invalidRecord, "candidate \(candidate.id): a running candidate needs its active run")
        }
        var stored = candidate
        stored.createdAt = current.createdAt
        stored.readySince = Timestamp.roundedToMilliseconds(candidate.readySince)
        stored.gate?.at = Timestamp.roundedToMilliseconds(candidate.gate?.at ?? now)
        if case .paused(var pause) = stored.state {
            pause.at = Timestamp.roundedToMilliseconds(pause.at)
            stored.state = .paused(pause)
        }
        return bumped(stored, from: current, now: now)
    }

    /// What ``CandidateStore/resumeCandidate(id:by:comment:)`` stores.
    /// - Throws: ``StoreError`` with `candidateNotFound` or `transitionRefused`.
    package func resuming(id: String, by person: String, now: Date) throws(StoreError) -> Candidate {
        let current = try existing(id)
        guard !person.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw StoreError(.transitionRefused, "resuming candidate \(id) needs the name of the person resuming it")
        }
        guard current.state.pause != nil else {
            throw StoreError(.transitionRefused, "candidate \(id) is \(current.state.name), not paused")
        }
        var stored = current
        stored.state = .ready
        stored.activeRunID = nil
        stored.gate = nil
        stored.setFailureCount(0, at: current.stage)
        stored.readySince = Timestamp.roundedToMilliseconds(now)
        return bumped(stored, from: current, now: now)
    }

    /// What ``CandidateStore/promote(_:)`` stores: the promotion and the moved candidate (`created`), or the
    /// existing promotion with the candidate unchanged.
    /// - Throws: ``StoreError`` with `candidateNotFound` or `transitionRefused`.
    package func promoting(_ promotion: Promotion, now: Date) throws(StoreError) -> (
        promotion: Promotion, created: Bool, candidate: Candidate
    ) {
        let current = try existing(promotion.candidateID)
        if let stored = promotionsByCandidate[promotion.candidateID]?.first(where: { Self.sameKey($0, promotion) }) {
            return (stored, false, current)
        }
        let id = promotion.candidateID
        guard current.stage == promotion.stage, !current.state.isFinal else {
            throw StoreError(
                .transitionRefused,
                "candidate \(id) is at stage \(current.stage) (\(current.state.name)); it cannot be promoted from stage \(promotion.stage)"
            )
        }
        guard current.activeRunID == nil else {
            throw StoreError(.transitionRefused, "candidate \(id) has an active stage run; wait for it to end")
        }
        if let person = promotion.overriddenBy {
            guard !person.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw StoreError(.transitionRefused, "a human promotion of candidate \(id) must name who promotes it")
            }
        } else {
            guard let gate = current.gate, gate.stage == promotion.stage, gate.outcome == .passed else {
                throw StoreError(
                    .transitionRefused,
                    "candidate \(id) has no passed gate at stage \(promotion.stage); run the gate or promote as a named person"
                )
            }
            guard gate.artifactDigest == promotion.artifactDigest, gate.runID == promotion.runID else {
                throw StoreError(
                    .transitionRefused,
                    "candidate \(id): the gate passed over artifacts \(gate.artifactDigest) of run \(gate.runID), not \(promotion.artifactDigest); gate them again"
                )
            }
        }
        let at = Timestamp.roundedToMilliseconds(now)
        var stored = promotion
        stored.at = at
        var moved = current
        moved.gate = nil
        if promotion.completesPipeline {
            moved.state = .completed
        } else {
            moved.stage = current.stage + 1
            moved.state = .ready
            moved.setFailureCount(0, at: moved.stage)
        }
        moved.setFailureCount(0, at: current.stage)
        moved.readySince = at
        return (stored, true, bumped(moved, from: current, now: now))
    }

    // MARK: Rules

    private func existing(_ id: String) throws(StoreError) -> Candidate {
        guard let candidate = candidatesByID[id] else {
            throw StoreError(.candidateNotFound, "no candidate with id \(id); submit it first")
        }
        return candidate
    }

    private func bumped(_ candidate: Candidate, from current: Candidate, now: Date) -> Candidate {
        var candidate = candidate
        candidate.updatedAt = Timestamp.roundedToMilliseconds(now)
        candidate.version = current.version + 1
        return candidate
    }

    private static func sameKey(_ lhs: Promotion, _ rhs: Promotion) -> Bool {
        lhs.candidateID == rhs.candidateID && lhs.stage == rhs.stage && lhs.artifactDigest == rhs.artifactDigest
    }
}
