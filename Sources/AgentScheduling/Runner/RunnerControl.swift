import AgentCore
import Foundation

/// Controls the runners that share a store, from any process: pause and resume agents, ask for a run now or for
/// a run to be cancelled, wait for a run or a request to end, and list the live runners.
///
/// Everything goes through the store, so it works the same from `agentctl`, an HTTP host or a test, with one
/// runner or many, on one host or several:
///
/// ```swift
/// let control = RunnerControl(store: store)
/// try await control.pause("nightly-review", reason: "repository migration")
/// let request = try await control.requestCancel(runID, reason: "wrong branch")
/// let done = try await control.waitForCompletion(of: request.id, timeout: .seconds(10))
/// ```
public struct RunnerControl: Sendable {
    /// The store the runners share.
    public let store: any AgentStore
    /// Who asks, recorded on requests.
    public let requester: String
    /// The clock timeouts are measured on.
    public let clock: any AgentClock

    /// Creates a control handle.
    /// - Parameters:
    ///   - store: The store the runners share.
    ///   - requester: Who asks (default: this host and process).
    ///   - clock: The clock for timeouts.
    public init(store: any AgentStore, requester: String? = nil, clock: any AgentClock = SystemClock()) {
        self.store = store
        self.requester =
            requester ?? "\(ProcessInfo.processInfo.hostName)/\(ProcessInfo.processInfo.processIdentifier)"
        self.clock = clock
    }

    /// Pauses an agent in the store; every live runner applies it within a second, and no runner's later save
    /// undoes it. Pausing a paused agent changes nothing (its first reason stays).
    /// - Parameters:
    ///   - agent: The agent.
    ///   - reason: Why (shown by health reports).
    /// - Returns: The state as stored, and whether this call changed it.
    /// - Throws: ``StoreError`` when the store cannot be written.
    @discardableResult
    public func pause(_ agent: AgentName, reason: String? = nil) async throws -> (state: ScheduleState, changed: Bool) {
        let why = reason ?? "paused by \(requester)"
        return try await changeScheduleState(of: agent) { state in
            guard !state.isPaused else { return }
            state.isPaused = true
            state.pausedReason = why
        }
    }

    /// Resumes an agent in the store and resets its failure streak; every live runner applies it within a second.
    /// Resuming an agent that is not paused changes nothing.
    /// - Parameter agent: The agent.
    /// - Returns: The state as stored, and whether this call changed it.
    /// - Throws: ``StoreError`` when the store cannot be written.
    @discardableResult
    public func resume(_ agent: AgentName) async throws -> (state: ScheduleState, changed: Bool) {
        try await changeScheduleState(of: agent) { state in
            guard state.isPaused else { return }
            state.isPaused = false
            state.pausedReason = nil
            state.consecutiveFailures = 0
        }
    }

    /// Replaces an agent's configured schedule on every runner that shares the store, until
    /// ``clearSchedule(of:)``: each live runner applies it within a second and fires from then on by it (fires of
    /// the old schedule that have not started are dropped, not caught up). The override survives restarts; a pause
    /// stays as it is.
    /// - Parameters:
    ///   - schedule: The schedule to fire by (`.manualOnly` stops the agent's scheduled fires).
    ///   - agent: The agent.
    /// - Returns: The state as stored, and whether this call changed it (setting the schedule in force again
    ///   changes nothing).
    /// - Throws: ``SchedulerError`` with ``SchedulerError/Code/invalidSchedule`` when the schedule does not parse or
    ///   never fires (nothing is written then); ``StoreError`` when the store cannot be written.
    @discardableResult
    public func setSchedule(_ schedule: ScheduleConfiguration, of agent: AgentName) async throws -> (
        state: ScheduleState, changed: Bool
    ) {
        _ = try AgentScheduler.validate(schedule, from: clock.now, count: 1)
        return try await changeScheduleState(of: agent) { $0.scheduleOverride = schedule }
    }

    /// Removes a schedule set with ``setSchedule(_:of:)``: every live runner goes back to the agent's configured
    /// schedule within a second, firing from then on. Clearing when no override is set changes nothing.
    /// - Parameter agent: The agent.
    /// - Returns: The state as stored, and whether this call changed it.
    /// - Throws: ``StoreError`` when the store cannot be written.
    @discardableResult
    public func clearSchedule(of agent: AgentName) async throws -> (state: ScheduleState, changed: Bool) {
        try await changeScheduleState(of: agent) { $0.scheduleOverride = nil }
    }

    /// Applies one atomic change to an agent's stored state and says whether it wrote anything.
    private func changeScheduleState(
        of agent: AgentName, _ change: @escaping @Sendable (inout ScheduleState) -> Void
    ) async throws -> (state: ScheduleState, changed: Bool) {
        let before = try await store.scheduleState(for: agent)?.version ?? 0
        let state = try await store.updateScheduleState(for: agent, change)
        return (state, state.version != before)
    }

    /// Asks the runners to run an agent now; one live runner that schedules the agent takes the request, runs it
    /// (through its queue, concurrency limit and retry policy) and completes the request with the run's outcome.
    /// - Parameter request: The run request.
    /// - Returns: The stored request; follow it with ``waitForCompletion(of:timeout:)``.
    /// - Throws: ``StoreError`` when the store cannot be written.
    public func requestRun(_ request: AgentRunRequest) async throws -> ControlRequest {
        try await store.submitRequest(ControlRequest(action: .run(request: request), requestedBy: requester))
    }

    /// Asks the runner that executes a run to cancel it: it cancels the agent (a subprocess agent's whole process
    /// group is stopped) and records ``RunStatus/cancelled``, then completes the request.
    /// - Parameters:
    ///   - runID: The run.
    ///   - reason: Why, for the record.
    /// - Returns: The stored request; follow it with ``waitForCompletion(of:timeout:)``.
    /// - Throws: ``StoreError`` when the store cannot be written.
    public func requestCancel(_ runID: RunID, reason: String? = nil) async throws -> ControlRequest {
        try await store.submitRequest(
            ControlRequest(action: .cancel(runID: runID, reason: reason), requestedBy: requester))
    }

    /// Waits until a request is completed, following the store's change feed (no polling).
    /// - Parameters:
    ///   - id: The request id.
    ///   - timeout: How long to wait at most; `nil` waits until the calling task is cancelled.
    /// - Returns: The completed request, or the request as it stands when the timeout passed (check its state).
    /// - Throws: ``StoreError`` (``StoreError/Code/requestNotFound`` for an unknown id), or `CancellationError`.
    public func waitForCompletion(of id: String, timeout: Duration?) async throws -> ControlRequest {
        try await waitUntil(timeout: timeout) {
            guard let request = try await store.request(id: id) else {
                throw StoreError(.requestNotFound, "no control request with id \(id)")
            }
            return (request, request.state == .completed)
        }
    }

    /// Waits until a run has a terminal record, following the store's change feed (no polling).
    /// - Parameters:
    ///   - id: The run id.
    ///   - timeout: How long to wait at most; `nil` waits until the calling task is cancelled.
    /// - Returns: The record, terminal unless the timeout passed first.
    /// - Throws: ``StoreError`` (``StoreError/Code/runNotFound`` for an unknown run), or `CancellationError`.
    public func waitForEnd(of id: RunID, timeout: Duration?) async throws -> RunRecord {
        try await waitUntil(timeout: timeout) {
            guard let record = try await store.run(id: id) else {
                throw StoreError(.runNotFound, "no run with id \(id)")
            }
            return (record, record.status.isTerminal)
        }
    }

    /// The runners whose presence has not expired.
    /// - Returns: The live runners, oldest first.
    /// - Throws: ``StoreError`` when the store cannot be read.
    public func liveRunners() async throws -> [RunnerPresence] {
        try await store.livePresences()
    }

    /// Reads a value until `check` says it is final or the timeout passes, waking on every change of the feed.
    private func waitUntil<Value: Sendable>(
        timeout: Duration?, _ check: @escaping @Sendable () async throws -> (Value, Bool)
    ) async throws -> Value {
        let store = self.store
        let follow: @Sendable () async throws -> Value = {
            while true {
                // The cursor is read before the value, so a change between the two wakes the wait below.
                let cursor = try await store.latestChangeCursor()
                let (value, done) = try await check()
                if done { return value }
                try await store.waitForChanges(after: cursor)
            }
        }
        guard let timeout else { return try await follow() }
        let clock = self.clock
        let deadline = clock.now.addingTimeInterval(timeout.timeInterval)
        return try await withThrowingTaskGroup(of: Value?.self) { group in
            group.addTask { try await follow() }
            group.addTask {
                try await clock.sleep(until: deadline)
                return nil
            }
            defer { group.cancelAll() }
            if let first = try await group.next(), let value = first { return value }
            group.cancelAll()
            return try await check().0
        }
    }
}
