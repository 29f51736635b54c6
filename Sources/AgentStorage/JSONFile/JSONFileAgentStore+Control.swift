import AgentCore
import Foundation

/// Cross-process control: the change feed, control requests, presence, the atomic schedule update and the
/// once-only announcement of a run's end. Every write runs on the writer queue under the store lock after
/// catching up on other processes' lines, so each is atomic across every process that shares the directory.
extension JSONFileAgentStore {
    // MARK: Runs and schedules

    /// See ``RunStore/markRunNotified(id:)``. Atomic across processes: exactly one caller gets the record.
    /// - Parameter id: The run id.
    /// - Returns: The updated record for the one caller that set `notifiedAt`, otherwise `nil`.
    /// - Throws: ``StoreError`` when the journal cannot be written.
    public func markRunNotified(id: RunID) async throws -> RunRecord? {
        guard case .optionalRecord(let record) = try await engine.perform(.markNotified(id)) else {
            throw Self.unexpected
        }
        return record
    }

    /// See ``ScheduleStateStore/updateScheduleState(for:_:)``. The closure runs on the store's writer queue,
    /// under the store lock, after catching up on what other processes wrote; it runs once per call.
    /// Timestamps are kept to the millisecond.
    /// - Parameters:
    ///   - agent: The agent.
    ///   - change: The change.
    /// - Returns: The state as stored afterwards.
    /// - Throws: ``StoreError`` when the journal cannot be read or written.
    public func updateScheduleState(
        for agent: AgentName, _ change: @Sendable (inout ScheduleState) -> Void
    ) async throws -> ScheduleState {
        // The writer runs the closure before this call resumes; the box keeps the only copy of it and is emptied
        // before returning, so the closure does not outlive the call (see `ScheduleChange`).
        try await withoutActuallyEscaping(change) { change in
            let box = ScheduleChange(change)
            defer { box.discard() }
            guard case .schedule(let state) = try await engine.perform(.updateSchedule(agent, box)) else {
                throw Self.unexpected
            }
            return state
        }
    }

    // MARK: Change feed

    /// See ``ChangeFeedStore/latestChangeCursor()``.
    /// - Returns: The cursor after the newest change, after catching up on other processes.
    /// - Throws: ``StoreError`` when the journal cannot be read.
    public func latestChangeCursor() async throws -> ChangeCursor {
        try await engine.read { $0.changes.latestCursor }
    }

    /// See ``ChangeFeedStore/changes(after:limit:)``. Every process numbers the changes alike (they are derived
    /// from the journal in its order); the newest 16,384 are kept, and compaction keeps the numbering.
    /// - Parameters:
    ///   - cursor: The last change read.
    ///   - limit: The most changes to return.
    /// - Returns: The page.
    /// - Throws: ``StoreError`` with `invalidQuery` for a limit below 1, or when the journal cannot be read.
    public func changes(after cursor: ChangeCursor, limit: Int) async throws -> ChangePage {
        guard limit >= 1 else {
            throw StoreError(.invalidQuery, "a change page needs a limit of at least 1, not \(limit)")
        }
        return try await engine.read { $0.changes.page(after: cursor, limit: limit) }
    }

    /// See ``ChangeFeedStore/waitForChanges(after:)``. A change written through this store instance wakes the
    /// caller at once; one written by another process within about 100 ms (the journal is checked with one
    /// `fstat` every 100 ms while anyone waits, and not at all otherwise).
    /// - Parameter cursor: The last change read.
    /// - Throws: `CancellationError` when the task is cancelled; ``StoreError`` when the journal cannot be read.
    public func waitForChanges(after cursor: ChangeCursor) async throws {
        try await engine.waitForChanges(after: cursor)
    }

    // MARK: Control requests

    /// See ``ControlRequestStore/submitRequest(_:)``.
    /// - Parameter request: The pending request.
    /// - Returns: The request as stored.
    /// - Throws: ``StoreError`` with `invalidRecord` for a used id or a request that is not pending.
    public func submitRequest(_ request: ControlRequest) async throws -> ControlRequest {
        guard case .request(let stored?) = try await engine.perform(.submitRequest(request)) else {
            throw Self.unexpected
        }
        return stored
    }

    /// See ``ControlRequestStore/takeRequest(id:owner:)``. Atomic across processes: exactly one caller wins.
    /// - Parameters:
    ///   - id: The request id.
    ///   - owner: The runner taking it.
    /// - Returns: The taken request, or `nil` when it is not pending or unknown.
    /// - Throws: ``StoreError`` when the journal cannot be written.
    public func takeRequest(id: String, owner: String) async throws -> ControlRequest? {
        guard case .request(let taken) = try await engine.perform(.takeRequest(id: id, owner: owner)) else {
            throw Self.unexpected
        }
        return taken
    }

    /// See ``ControlRequestStore/completeRequest(id:owner:runID:runStatus:outcome:)``.
    /// - Parameters:
    ///   - id: The request id.
    ///   - owner: The runner completing it.
    ///   - runID: The run concerned.
    ///   - runStatus: Its status.
    ///   - outcome: How it went.
    /// - Returns: The request as stored.
    /// - Throws: ``StoreError`` with `requestNotFound` or `leaseNotHeld`.
    public func completeRequest(
        id: String, owner: String, runID: RunID?, runStatus: RunStatus?, outcome: String
    ) async throws -> ControlRequest {
        let operation = StoreOperation.completeRequest(
            id: id, owner: owner, runID: runID, runStatus: runStatus, outcome: outcome)
        guard case .request(let request?) = try await engine.perform(operation) else { throw Self.unexpected }
        return request
    }

    /// See ``ControlRequestStore/request(id:)``.
    /// - Parameter id: The request id.
    /// - Returns: The request, if any.
    /// - Throws: ``StoreError`` when the journal cannot be read.
    public func request(id: String) async throws -> ControlRequest? {
        try await engine.read { $0.requests.byID[id] }
    }

    /// See ``ControlRequestStore/requests(in:limit:)``.
    /// - Parameters:
    ///   - states: The states wanted.
    ///   - limit: The most to return.
    /// - Returns: The requests, oldest first.
    /// - Throws: ``StoreError`` when the journal cannot be read.
    public func requests(in states: Set<ControlRequest.State>, limit: Int) async throws -> [ControlRequest] {
        try await engine.read { $0.requests.requests(in: states, limit: limit) }
    }

    // MARK: Presence

    /// See ``PresenceStore/heartbeat(_:timeToLive:)``. Each heartbeat is one journal line; compaction forgets
    /// presences that expired more than a day ago.
    /// - Parameters:
    ///   - presence: The runner's identity.
    ///   - timeToLive: How long it counts as alive.
    /// - Returns: The presence as stored.
    /// - Throws: ``StoreError`` when the journal cannot be written.
    public func heartbeat(_ presence: RunnerPresence, timeToLive: Duration) async throws -> RunnerPresence {
        guard case .presence(let stored) = try await engine.perform(.heartbeat(presence, timeToLive: timeToLive))
        else { throw Self.unexpected }
        return stored
    }

    /// See ``PresenceStore/livePresences()``.
    /// - Returns: The runners whose presence has not expired on the store's clock, oldest start first.
    /// - Throws: ``StoreError`` when the journal cannot be read.
    public func livePresences() async throws -> [RunnerPresence] {
        let now = engine.clock.now
        return try await engine.read { $0.presences.live(now: now) }
    }

    /// See ``PresenceStore/removePresence(id:)``.
    /// - Parameter id: The runner id.
    /// - Throws: ``StoreError`` when the journal cannot be written.
    public func removePresence(id: String) async throws {
        _ = try await engine.perform(.removePresence(id: id))
    }
}
