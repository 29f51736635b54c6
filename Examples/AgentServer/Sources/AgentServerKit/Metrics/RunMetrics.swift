import AgentCore
import AgentScheduling
import Foundation
import Prometheus
import Synchronization

/// The Prometheus metrics of `/metrics`: counted from the runner's events as they happen (runs by agent and
/// status, durations, retries, failure classes, service-level breaches, overdue fires) and read from the health
/// snapshot at scrape time (queue depth, running runs, scheduler state, paused agents).
public final class RunMetrics: Sendable {
    /// The registry the text is rendered from.
    public let registry = PrometheusCollectorRegistry()
    private let startedAt = Mutex<[RunID: Date]>([:])
    private static let terminalKinds: Set<RunEvent.Kind> = [
        .runSucceeded, .runFailed, .runTimedOut, .runCancelled, .runAbandoned, .runSkipped,
    ]
    private static let durationBuckets: [Duration] = [
        .milliseconds(100), .milliseconds(500), .seconds(1), .seconds(5), .seconds(15), .seconds(60), .seconds(300),
        .seconds(900), .seconds(3600),
    ]

    /// Creates the metrics and counts the events of `events` from now on.
    /// - Parameter events: The runner's event broadcaster.
    public init(events: EventBroadcaster) {
        events.addSink { [weak self] event in self?.record(event) }
    }

    /// Counts one event (called on the emitting thread; cheap and never blocking).
    /// - Parameter event: The event.
    public func record(_ event: RunEvent) {
        let agent = event.agentName?.rawValue ?? ""
        switch event.kind {
        case .runStarted:
            if let id = event.runID { startedAt.withLock { $0[id] = event.timestamp } }
        case .runRetryScheduled:
            counter("agent_runner_retries_total", "Retries scheduled", ["agent": agent]).increment()
        case .slaBreached:
            counter("agent_runner_sla_breaches_total", "Service-level breaches", ["agent": agent]).increment()
        case .fireOverdue:
            counter("agent_runner_overdue_fires_total", "Scheduled fires reported overdue", ["agent": agent])
                .increment()
        default:
            break
        }
        guard Self.terminalKinds.contains(event.kind), let status = event.status else { return }
        counter(
            "agent_runner_runs_total", "Runs that ended, by agent and status",
            [
                "agent": agent, "status": status.rawValue,
            ]
        ).increment()
        if let failureClass = event.failure?.failureClass {
            counter(
                "agent_runner_failures_total", "Runs that did not succeed, by failure class",
                [
                    "agent": agent, "class": failureClass.rawValue,
                ]
            ).increment()
        }
        if let id = event.runID, let start = startedAt.withLock({ $0.removeValue(forKey: id) }) {
            let seconds = max(0, event.timestamp.timeIntervalSince(start))
            registry.makeDurationHistogram(
                descriptor: MetricNameDescriptor(
                    metricName: "agent_runner_run_duration", unitName: "seconds",
                    helpText: "How long runs took, by agent"),
                labels: [("agent", agent)], buckets: Self.durationBuckets
            ).record(.milliseconds(Int64((seconds * 1000).rounded())))
        }
    }

    /// The Prometheus text: the counters, and gauges from a fresh health snapshot and the pipelines' figures.
    /// - Parameters:
    ///   - health: The scheduler's health snapshot.
    ///   - pipelines: The staged pipelines' figures per stage (none without pipelines).
    /// - Returns: The exposition text.
    public func render(health: SchedulerHealth, pipelines: [PipelineMetrics.StageFigures] = []) -> [UInt8] {
        for figures in pipelines {
            let labels = ["pipeline": figures.pipeline, "stage": figures.stage]
            gauge("agent_runner_pipeline_stage_runs", "Stage runs recorded", labels).set(to: Double(figures.runs))
            gauge("agent_runner_pipeline_stage_retries", "Retries inside stage runs", labels)
                .set(to: Double(figures.retries))
            gauge("agent_runner_pipeline_stage_queue_depth", "Candidates ready at the stage, not running", labels)
                .set(to: Double(figures.queueDepth))
            let quantiles: [(String, Double?, String)] = [
                ("agent_runner_pipeline_stage_duration_p50_seconds", figures.durationP50Seconds, "Median stage run"),
                ("agent_runner_pipeline_stage_duration_p95_seconds", figures.durationP95Seconds, "p95 stage run"),
                ("agent_runner_pipeline_handoff_p50_seconds", figures.handOffP50Seconds, "Median hand-off latency"),
                ("agent_runner_pipeline_handoff_p95_seconds", figures.handOffP95Seconds, "p95 hand-off latency"),
            ]
            for (name, value, help) in quantiles {
                if let value { gauge(name, help, labels).set(to: value) }
            }
            for (failureClass, count) in figures.failureClasses {
                var classLabels = labels
                classLabels["class"] = failureClass
                gauge("agent_runner_pipeline_stage_failures", "Final stage failures by class", classLabels)
                    .set(to: Double(count))
            }
        }
        gauge("agent_runner_queue_depth", "Runs waiting for a slot", [:]).set(to: Double(health.queueDepth))
        gauge("agent_runner_running_runs", "Runs executing now", [:]).set(to: Double(health.runningCount))
        gauge("agent_runner_waiting_retries", "Retries waiting for their time", [:]).set(
            to: Double(health.waitingRetries))
        for state in [SchedulerState.idle, .running, .paused, .error] {
            gauge("agent_runner_scheduler_state", "1 for the scheduler's current state", ["state": state.description])
                .set(to: health.state == state ? 1 : 0)
        }
        for agent in health.agents {
            let labels = ["agent": agent.name.rawValue]
            gauge("agent_runner_agent_paused", "1 when the agent is paused", labels).set(to: agent.isPaused ? 1 : 0)
            gauge("agent_runner_agent_consecutive_failures", "Failed runs in a row", labels)
                .set(to: Double(agent.consecutiveFailures))
            gauge("agent_runner_agent_sla_breached", "1 while a service level is breached", labels)
                .set(to: agent.isServiceLevelBreached ? 1 : 0)
        }
        return registry.emitToBuffer()
    }

    private func counter(_ name: String, _ help: String, _ labels: [String: String]) -> Counter {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(metricName: name, unitName: "", helpText: help),
            labels: labels.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }

    private func gauge(_ name: String, _ help: String, _ labels: [String: String]) -> Gauge {
        registry.makeGauge(
            descriptor: MetricNameDescriptor(metricName: name, unitName: "", helpText: help),
            labels: labels.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }
}
