import Foundation

/// Something moving through a pipeline's stages (a strategy, a model, a release), as a ``CandidateStore`` keeps it.
///
/// Stages are numbered from 0 in the pipeline's order. The store enforces the rules: at most one active stage run
/// (``activeRunID``), a move to the next stage only by a ``Promotion``, and a paused candidate starts nothing.
public struct Candidate: Sendable, Hashable, Codable {
    /// The candidate's id (`momentum-v7`), unique in the store.
    public var id: String
    /// The pipeline it moves through.
    public var pipeline: String
    /// The stage it is at (index into the pipeline's stages).
    public var stage: Int
    /// Where it is at that stage.
    public var state: CandidateState
    /// The stage run in progress, when one is.
    public var activeRunID: RunID?
    /// Final failures per stage (index = stage), counted since the stage's last success or resume.
    public var failures: [Int]
    /// Stage runs started per stage (index = stage); the next run's attempt number is this plus one.
    public var attempts: [Int]
    /// The latest gate verdict of the current stage, if any.
    public var gate: GateRecord?
    /// When the current stage became ready (the previous stage's promotion, or the submission): hand-off latency
    /// is measured from here to the next stage run's start.
    public var readySince: Date
    /// When it was submitted (set by the store).
    public var createdAt: Date
    /// When it last changed (set by the store).
    public var updatedAt: Date
    /// Grows by one with every write (set by the store); compare-and-set uses it.
    public var version: UInt64

    /// Creates a candidate at stage 0, ready.
    /// - Parameters:
    ///   - id: The id.
    ///   - pipeline: The pipeline's name.
    ///   - at: When it is submitted (the store sets the stored times).
    public init(id: String, pipeline: String, at: Date = Date(timeIntervalSince1970: 0)) {
        self.id = id
        self.pipeline = pipeline
        self.stage = 0
        self.state = .ready
        self.activeRunID = nil
        self.failures = []
        self.attempts = []
        self.gate = nil
        self.readySince = at
        self.createdAt = at
        self.updatedAt = at
        self.version = 0
    }

    /// The final failures counted at a stage.
    /// - Parameter stage: The stage index.
    /// - Returns: The count (0 for a stage never failed).
    public func failureCount(at stage: Int) -> Int { failures.indices.contains(stage) ? failures[stage] : 0 }

    /// The stage runs started at a stage.
    /// - Parameter stage: The stage index.
    /// - Returns: The count.
    public func attemptCount(at stage: Int) -> Int { attempts.indices.contains(stage) ? attempts[stage] : 0 }

    /// Sets the final failures counted at a stage.
    /// - Parameters:
    ///   - count: The new count.
    ///   - stage: The stage index.
    public mutating func setFailureCount(_ count: Int, at stage: Int) {
        Self.set(&failures, count, at: stage)
    }

    /// Sets the stage runs started at a stage.
    /// - Parameters:
    ///   - count: The new count.
    ///   - stage: The stage index.
    public mutating func setAttemptCount(_ count: Int, at stage: Int) {
        Self.set(&attempts, count, at: stage)
    }

    private static func set(_ counts: inout [Int], _ count: Int, at stage: Int) {
        guard stage >= 0 else { return }
        if counts.count <= stage { counts += Array(repeating: 0, count: stage + 1 - counts.count) }
        counts[stage] = max(0, count)
    }
}
