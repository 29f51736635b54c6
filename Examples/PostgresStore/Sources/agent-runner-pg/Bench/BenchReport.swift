import Foundation

/// The benchmark's figures.
struct BenchReport {
    var settings: [String: String] = [:]
    /// Whether each measure started after a `CHECKPOINT` (the role may not be allowed to ask for one).
    var checkpointed = false
    var selectOneP50 = 0.0
    var selectOneP99 = 0.0
    var insertCommitsPerSecond = 0.0
    var commitP50 = 0.0
    var commitP99 = 0.0
    /// The engine's floor under request to start, p50 (see ``BenchConnection/notificationReaction(url:count:)``).
    var notificationReactionP50 = 0.0
    /// The same floor, p99.
    var notificationReactionP99 = 0.0
    /// Runs per second with 1 process, one per trial.
    var lifecycleOneProcessTrials: [Double] = []
    /// Runs per second with 4 processes, one per trial.
    var lifecycleFourProcessesTrials: [Double] = []
    var claimP50 = 0.0
    var claimP99 = 0.0
    /// Request to start on the database's clock, p50 and p99.
    var requestToStart = (0.0, 0.0)
    /// How many requests request to start was measured over.
    var requests = 0
    /// Request to start on the machine's monotonic clock, from the submit call to the take's return, p50 and p99.
    var requestToStartSeenByProcesses = (0.0, 0.0)
    var pageP50 = 0.0
    var pageP99 = 0.0
    var pageRows = 0
    var runs = 0
    var concurrency = 0

    var json: String {
        let object: [String: Any] = [
            "postgresql": settings, "checkpointBeforeEachMeasure": checkpointed,
            "baseline": [
                "selectOneRoundTripP50Ms": selectOneP50, "selectOneRoundTripP99Ms": selectOneP99,
                "insertCommitsPerSecond": insertCommitsPerSecond,
                "insertCommitLatencyP50Ms": commitP50, "insertCommitLatencyP99Ms": commitP99,
                "commitNotifyReactP50Ms": notificationReactionP50, "commitNotifyReactP99Ms": notificationReactionP99,
            ],
            "lifecycleRunsPerSecond": [
                "oneProcess": Self.median(lifecycleOneProcessTrials),
                "fourProcesses": Self.median(lifecycleFourProcessesTrials),
                "oneProcessTrials": lifecycleOneProcessTrials, "fourProcessesTrials": lifecycleFourProcessesTrials,
            ],
            "claimLatencyMs": ["p50": claimP50, "p99": claimP99],
            "requestToStartMs": ["p50": requestToStart.0, "p99": requestToStart.1, "requests": Double(requests)],
            "requestToStartSeenByProcessesMs": [
                "p50": requestToStartSeenByProcesses.0, "p99": requestToStartSeenByProcesses.1,
            ],
            "pageOf50Ms": ["p50": pageP50, "p99": pageP99, "tableRows": pageRows],
            "runs": runs, "concurrencyPerProcess": concurrency,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// The median of the trials (the upper of the middle two for an even count), 0 for none.
    static func median(_ values: [Double]) -> Double { PostgresBenchmark.percentile(values, 0.5) }

    private var checkpointNote: String {
        checkpointed
            ? "a CHECKPOINT before each measure"
            : "no CHECKPOINT before the measures (the role needs superuser or pg_checkpoint)"
    }

    var table: String {
        func f(_ value: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", value) }
        func trials(_ values: [Double]) -> String { values.map { f($0, 0) }.joined(separator: ", ") }
        let count = lifecycleFourProcessesTrials.count
        let trialsNote = count == 1 ? "one trial" : "median of \(count) trials"
        let settingsLine = settings.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        return """
            PostgreSQL: \(settingsLine); \(checkpointNote)
            baseline   SELECT 1 round trip p50 \(f(selectOneP50, 3)) ms, p99 \(f(selectOneP99, 3)) ms; \
            one-row INSERT commits \(f(insertCommitsPerSecond, 0))/s (8 connections); \
            one such commit on one connection p50 \(f(commitP50, 3)) ms, p99 \(f(commitP99, 3)) ms (the disk's flush); \
            a trickled commit with a notification to the next statement of its listener p50 \(f(notificationReactionP50, 3)) ms, \
            p99 \(f(notificationReactionP99, 3)) ms (database clock; the floor under request to start)
            lifecycle  no-op runs through the runner (claim, running, noOp): \
            \(f(Self.median(lifecycleOneProcessTrials), 0))/s with 1 process, \
            \(f(Self.median(lifecycleFourProcessesTrials), 0))/s with 4 processes \
            (\(concurrency) concurrent runs each, \(runs) runs; \(trialsNote): \
            \(trials(lifecycleOneProcessTrials)) and \(trials(lifecycleFourProcessesTrials)))
            claim      p50 \(f(claimP50, 3)) ms, p99 \(f(claimP99, 3)) ms
            request    to start (another process takes it from the feed; \(requests) requests, one every 20 ms): \
            p50 \(f(requestToStart.0, 3)) ms, p99 \(f(requestToStart.1, 3)) ms (database clock; from before the request's commit to the take); \
            seen by the processes p50 \(f(requestToStartSeenByProcesses.0, 3)) ms, \
            p99 \(f(requestToStartSeenByProcesses.1, 3)) ms (monotonic clock; from the submit call to the take's return)
            page of 50 from \(pageRows) runs (second page, filtered): p50 \(f(pageP50, 3)) ms, p99 \(f(pageP99, 3)) ms
            """
    }
}
