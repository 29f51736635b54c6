import AgentCore
import Foundation

/// Stores the terminal record of subprocess runs in their `metadata.json` and `summary.txt`.
///
/// The orchestrator writes a run's terminal record after the agent returned, so the agent can only write
/// a provisional `metadata.json`. Attach a finalizer to the broadcaster of your orchestrator or scheduler:
/// on every terminal run event of one of its agents it reads the record from the store and writes it with
/// ``RunLogDirectory/writeMetadata(_:redacting:)``. For a single run you can instead call
/// ``write(_:)`` with the record `Orchestrator.execute` returned.
///
/// ```swift
/// let finalizer = RunLogFinalizer(store: store, agents: subprocessAgents)
/// finalizer.attach(to: scheduler.events)
/// ```
///
/// Writing never fails a run: a failure is published as a ``AgentCore/RunEvent/Kind/runLogFailed`` event.
public final class RunLogFinalizer: Sendable {
    /// The store the terminal records are read from.
    public let store: any RunStore
    private let agents: [AgentName: SubprocessAgent]
    private let pending = PendingTasks()
    private let clock: any AgentClock

    /// Creates a finalizer for some agents.
    /// - Parameters:
    ///   - store: Where the records are.
    ///   - agents: The subprocess agents whose runs it finalizes (their log roots and secrets).
    ///   - clock: The clock for event time stamps.
    public init(store: any RunStore, agents: [SubprocessAgent], clock: any AgentClock = SystemClock()) {
        self.store = store
        self.agents = Dictionary(agents.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
        self.clock = clock
    }

    /// Finalizes runs as their terminal events are published on `events`; call once per broadcaster. The
    /// sink holds the finalizer weakly: keep a reference to it for as long as it should work.
    /// - Parameter events: The orchestrator's or scheduler's broadcaster.
    public func attach(to events: EventBroadcaster) {
        events.addSink { [weak self, weak events] event in
            guard let self, let reporter = events, let agent = event.agentName, let runID = event.runID,
                self.agents[agent] != nil,
                [.runSucceeded, .runFailed, .runTimedOut, .runCancelled, .runAbandoned].contains(event.kind)
            else { return }
            self.pending.spawn {
                do {
                    guard let record = try await self.store.run(id: runID) else { return }
                    try await self.write(record)
                } catch {
                    reporter.emit(
                        RunEvent(
                            kind: .runLogFailed, timestamp: self.clock.now, agentName: agent, runID: runID,
                            message:
                                "the terminal record of run \(runID) could not be written to its log directory: \(error)"
                        ))
                }
            }
        }
    }

    /// Writes a record into its run's `metadata.json` and `summary.txt`, redacting the agent's secrets.
    /// - Parameter record: The record (normally terminal).
    /// - Returns: Whether it was written (`false` for other agents and runs without a log directory).
    /// - Throws: ``SubprocessError`` when writing fails.
    @discardableResult
    public func write(_ record: RunRecord) async throws -> Bool {
        guard let agent = agents[record.agentName] else { return false }
        return try await agent.logDirectory(for: record.id).writeMetadata(record, redacting: agent.secretValues)
    }

    /// Waits until every write started so far has ended.
    public func drain() async {
        await pending.drain()
    }
}
