import AgentCore
import Foundation

extension DirectoryAgentStore {
    // MARK: Announcing a run's end

    /// Sets `notifiedAt` on a terminal run that has none yet; under the lock, so exactly one caller of any process
    /// gets the record (and announces the run).
    /// - Parameter id: The run id.
    /// - Returns: The updated record for the one caller that set it, otherwise `nil`.
    /// - Throws: ``StoreError`` when the file cannot be read or written.
    public func markRunNotified(id: RunID) async throws -> RunRecord? {
        try await locked { [self] in
            guard var record = try read(RunRecord.self, at: runURL(id)), record.status.isTerminal,
                record.notifiedAt == nil
            else { return nil }
            record.notifiedAt = Timestamp.roundedToMilliseconds(now)
            try write(record, to: runURL(id))
            return record
        }
    }

    // MARK: Control requests

    /// Writes a new pending request with `requestedAt` set to now, and adds it to the feed.
    /// - Parameter request: The pending request.
    /// - Returns: The request as stored.
    /// - Throws: ``StoreError`` with ``StoreError/Code/invalidRecord`` for a used id or a request that is not
    ///   pending.
    public func submitRequest(_ request: ControlRequest) async throws -> ControlRequest {
        try await locked { [self] in
            guard !request.id.isEmpty, try read(ControlRequest.self, at: requestURL(request.id)) == nil else {
                throw StoreError(.invalidRecord, "a control request with id \(request.id) already exists; use a new id")
            }
            guard request.state == .pending else {
                throw StoreError(.invalidRecord, "only pending control requests can be submitted")
            }
            var stored = request
            stored.requestedAt = Timestamp.roundedToMilliseconds(now)
            try writeRequest(stored)
            return stored
        }
    }

    /// Takes a pending request; under the lock, so exactly one caller wins.
    /// - Parameters:
    ///   - id: The request id.
    ///   - owner: The runner taking it.
    /// - Returns: The taken request, or `nil` when it is not pending or unknown.
    /// - Throws: ``StoreError`` when the file cannot be read or written.
    public func takeRequest(id: String, owner: String) async throws -> ControlRequest? {
        try await locked { [self] in
            guard var request = try read(ControlRequest.self, at: requestURL(id)), request.state == .pending else {
                return nil
            }
            request.state = .taken
            request.takenBy = owner
            request.takenAt = Timestamp.roundedToMilliseconds(now)
            try writeRequest(request)
            return request
        }
    }

    /// Completes a pending request, or one `owner` took, with its outcome; a completed request stays as it is.
    /// - Parameters:
    ///   - id: The request id.
    ///   - owner: The runner completing it.
    ///   - runID: The run concerned.
    ///   - runStatus: Its status.
    ///   - outcome: How it went.
    /// - Returns: The request as stored.
    /// - Throws: ``StoreError`` with ``StoreError/Code/requestNotFound`` or ``StoreError/Code/leaseNotHeld``.
    public func completeRequest(
        id: String, owner: String, runID: RunID?, runStatus: RunStatus?, outcome: String
    ) async throws -> ControlRequest {
        try await locked { [self] in
            guard var request = try read(ControlRequest.self, at: requestURL(id)) else {
                throw StoreError(.requestNotFound, "no control request with id \(id)")
            }
            if request.state == .completed { return request }
            if request.state == .taken, request.takenBy != owner {
                throw StoreError(.leaseNotHeld, "control request \(id) was taken by another runner, not by \(owner)")
            }
            let now = Timestamp.roundedToMilliseconds(self.now)
            request.state = .completed
            request.completedAt = now
            request.runID = runID ?? request.runID
            request.runStatus = runStatus
            request.outcome = outcome
            if request.takenBy == nil {
                request.takenBy = owner
                request.takenAt = now
            }
            try writeRequest(request)
            return request
        }
    }

    /// One request.
    /// - Parameter id: The request id.
    /// - Returns: The request, or `nil`.
    /// - Throws: ``StoreError`` when the file cannot be read.
    public func request(id: String) async throws -> ControlRequest? {
        try await locked { [self] in try read(ControlRequest.self, at: requestURL(id)) }
    }

    /// The requests in some states, oldest first (by `requestedAt`, then id; ids are time-sortable).
    /// - Parameters:
    ///   - states: The states wanted.
    ///   - limit: The most to return.
    /// - Returns: The requests.
    /// - Throws: ``StoreError`` when a file cannot be read.
    public func requests(in states: Set<ControlRequest.State>, limit: Int) async throws -> [ControlRequest] {
        try await locked { [self] in
            let all = try readAll(ControlRequest.self, in: "requests")
            let sorted = all.filter { states.contains($0.state) }.sorted {
                ($0.requestedAt, $0.id) < ($1.requestedAt, $1.id)
            }
            return Array(sorted.prefix(max(0, limit)))
        }
    }

    /// Writes a request and adds it to the feed. Call it under the lock.
    private func writeRequest(_ request: ControlRequest) throws {
        try write(request, to: requestURL(request.id))
        try appendChange(.request(request))
    }

    // MARK: Presence

    /// Writes a runner's presence: last heartbeat now, expiry now + `timeToLive`, and the start time of its first
    /// heartbeat (a runner whose presence had expired starts anew).
    /// - Parameters:
    ///   - presence: The runner's identity.
    ///   - timeToLive: How long it counts as alive.
    /// - Returns: The presence as stored.
    /// - Throws: ``StoreError`` when the file cannot be read or written.
    public func heartbeat(_ presence: RunnerPresence, timeToLive: Duration) async throws -> RunnerPresence {
        try await locked { [self] in
            let now = Timestamp.roundedToMilliseconds(self.now)
            var stored = presence
            if let existing = try read(RunnerPresence.self, at: presenceURL(presence.id)), existing.expiresAt > now {
                stored.startedAt = existing.startedAt
            } else {
                stored.startedAt = now
            }
            stored.lastHeartbeatAt = now
            stored.expiresAt = Timestamp.roundedToMilliseconds(now.addingTimeInterval(timeToLive.timeInterval))
            try write(stored, to: presenceURL(presence.id))
            return stored
        }
    }

    /// The runners whose presence has not expired on the injected clock, oldest start first.
    /// - Returns: The live runners.
    /// - Throws: ``StoreError`` when a file cannot be read.
    public func livePresences() async throws -> [RunnerPresence] {
        try await locked { [self] in
            let now = self.now
            return try readAll(RunnerPresence.self, in: "presences").filter { $0.expiresAt > now }
                .sorted { ($0.startedAt, $0.id) < ($1.startedAt, $1.id) }
        }
    }

    /// Removes a runner's presence; an unknown id does nothing.
    /// - Parameter id: The runner id.
    /// - Throws: ``StoreError`` when the file cannot be deleted.
    public func removePresence(id: String) async throws {
        try await locked { [self] in try delete(presenceURL(id)) }
    }
}
