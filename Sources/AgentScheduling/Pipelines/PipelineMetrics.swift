import AgentCore
import Foundation
import Synchronization

/// Stage figures a ``PipelineCoordinator`` gathers as it runs: stage run durations, retries, failure classes and
/// hand-off latency (the previous stage's promotion, or the submission, to the next stage run's start).
public final class PipelineMetrics: Sendable {
    /// The figures of one stage of one pipeline.
    public struct StageFigures: Sendable, Hashable, Codable {
        /// The pipeline.
        public var pipeline: String
        /// The stage's name.
        public var stage: String
        /// Stage runs recorded.
        public var runs: Int
        /// The median stage run duration, in seconds.
        public var durationP50Seconds: Double?
        /// The 95th-percentile stage run duration, in seconds.
        public var durationP95Seconds: Double?
        /// Retries inside stage runs (attempts beyond the first).
        public var retries: Int
        /// Final failures by class (`permanent`, `transient`, `timeout`, `missingArtifact`, `gateFailed`, …).
        public var failureClasses: [String: Int]
        /// The median hand-off latency, in seconds.
        public var handOffP50Seconds: Double?
        /// The 95th-percentile hand-off latency, in seconds.
        public var handOffP95Seconds: Double?
        /// Candidates waiting at the stage (ready, not running), filled in by ``PipelineCoordinator/figures()``.
        public var queueDepth: Int
    }

    private struct Samples: Sendable {
        var durations: [Double] = []
        var retries = 0
        var failures: [String: Int] = [:]
        var handOffs: [Double] = []
    }

    private struct Key: Hashable, Sendable {
        let pipeline: String
        let stage: String
    }

    private let samples = Mutex<[Key: Samples]>([:])

    /// Creates empty metrics.
    public init() {}

    /// Records a stage run's duration and retries.
    /// - Parameters:
    ///   - pipeline: The pipeline.
    ///   - stage: The stage.
    ///   - record: The run's record.
    public func recordRun(pipeline: String, stage: String, record: RunRecord) {
        samples.withLock { all in
            let key = Key(pipeline: pipeline, stage: stage)
            if let duration = record.duration { all[key, default: Samples()].durations.append(duration.timeInterval) }
            all[key, default: Samples()].retries += max(0, record.attempt - 1)
        }
    }

    /// Records a final failure of a stage.
    /// - Parameters:
    ///   - pipeline: The pipeline.
    ///   - stage: The stage.
    ///   - failureClass: Its class.
    public func recordFailure(pipeline: String, stage: String, class failureClass: String) {
        samples.withLock {
            $0[Key(pipeline: pipeline, stage: stage), default: Samples()].failures[failureClass, default: 0] += 1
        }
    }

    /// Records a hand-off: a stage run started `to - from` after the candidate became ready for it.
    /// - Parameters:
    ///   - pipeline: The pipeline.
    ///   - stage: The stage.
    ///   - from: When the candidate became ready.
    ///   - to: When its stage run started.
    public func recordHandOff(pipeline: String, stage: String, from: Date, to: Date) {
        samples.withLock {
            $0[Key(pipeline: pipeline, stage: stage), default: Samples()].handOffs.append(
                max(0, to.timeIntervalSince(from)))
        }
    }

    /// The figures so far, by pipeline and stage name (queue depth 0).
    public func snapshot() -> [StageFigures] {
        samples.withLock { all in
            all.map { key, samples in
                StageFigures(
                    pipeline: key.pipeline, stage: key.stage, runs: samples.durations.count,
                    durationP50Seconds: Self.percentile(samples.durations, 0.5),
                    durationP95Seconds: Self.percentile(samples.durations, 0.95), retries: samples.retries,
                    failureClasses: samples.failures, handOffP50Seconds: Self.percentile(samples.handOffs, 0.5),
                    handOffP95Seconds: Self.percentile(samples.handOffs, 0.95), queueDepth: 0)
            }.sorted { ($0.pipeline, $0.stage) < ($1.pipeline, $1.stage) }
        }
    }

    /// The nearest-rank percentile of some values.
    /// - Parameters:
    ///   - values: The values.
    ///   - fraction: The rank, from 0 to 1.
    /// - Returns: The value, or `nil` without values.
    static func percentile(_ values: [Double], _ fraction: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = Int((fraction * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count - 1, max(0, rank - 1))]
    }
}
