import AgentCore
import Foundation

extension DirectoryAgentStore {
    /// Atomically creates a run unless a run with the same agent and idempotency key settled, or is in
    /// progress under a live lease (see ``AgentCore/RunStore/claimRun(_:)`` for the rules).
    ///
    /// This is the hard part of any store: the look-up of existing runs and the insert happen under one lock,
    /// so two claimers of one key — two tasks, or two processes on one directory — can never both win.
    /// - Parameter claim: The run to create and its lease.
    /// - Returns: Whether the caller may run it.
    /// - Throws: ``StoreError`` with ``StoreError/Code/duplicateRunID`` if the run id exists.
    public func claimRun(_ claim: RunClaim) async throws -> RunClaimOutcome {
        try await locked { [self] in
            let now = self.now
            guard try read(RunRecord.self, at: runURL(claim.record.id)) == nil else {
                throw StoreError(.duplicateRunID, "a run with id \(claim.record.id) already exists")
            }
            let sameKey = try readAll(RunRecord.self, in: "runs")
                .filter { $0.agentName == claim.record.agentName && $0.idempotencyKey == claim.record.idempotencyKey }
                .sorted { $0.id < $1.id }
            if let settled = sameKey.last(where: { claim.settledStatuses.contains($0.status) }) {
                return .duplicate(of: settled)
            }
            for var existing in sameKey where !existing.status.isTerminal {
                // A run awaiting approval holds no lease and is never abandoned: it is in progress until decided.
                if existing.hasLiveLease(at: now) || existing.status == .awaitingApproval {
                    return .inProgress(existing)
                }
                // Its owner stopped renewing: the run is abandoned, and the key is free again.
                Self.markAbandoned(&existing, now: now)
                try write(existing, to: runURL(existing.id))
                try noteEnd(of: existing, previous: nil)
            }
            var record = claim.record
            record.leaseOwner = claim.owner
            record.leaseExpiresAt = Timestamp.roundedToMilliseconds(
                now.addingTimeInterval(claim.leaseDuration.timeInterval))
            try write(record, to: runURL(record.id))
            try noteEnd(of: record, previous: nil)
            return .claimed(record)
        }
    }

    /// Inserts a record without the idempotency check.
    /// - Parameter record: The record.
    /// - Throws: ``StoreError`` with ``StoreError/Code/duplicateRunID`` if the run id exists.
    public func insertRun(_ record: RunRecord) async throws {
        try await locked { [self] in
            guard try read(RunRecord.self, at: runURL(record.id)) == nil else {
                throw StoreError(.duplicateRunID, "a run with id \(record.id) already exists")
            }
            try write(record, to: runURL(record.id))
            try noteEnd(of: record, previous: nil)
        }
    }

    /// Replaces a stored record; agent and key never change, and a terminal status is final.
    /// - Parameter record: The new version.
    /// - Throws: ``StoreError`` with ``StoreError/Code/runNotFound``, ``StoreError/Code/invalidRecord`` or
    ///   ``StoreError/Code/terminalRecordImmutable``.
    public func updateRun(_ record: RunRecord) async throws {
        try await locked { [self] in
            guard let current = try read(RunRecord.self, at: runURL(record.id)) else {
                throw StoreError(.runNotFound, "no run with id \(record.id); insert or claim it first")
            }
            guard current.agentName == record.agentName, current.idempotencyKey == record.idempotencyKey else {
                throw StoreError(
                    .invalidRecord, "run \(record.id): the agent and idempotency key of a run cannot change")
            }
            guard !current.status.isTerminal || current.status == record.status else {
                throw StoreError(
                    .terminalRecordImmutable,
                    "run \(record.id) already ended as \(current.status); it cannot become \(record.status)")
            }
            try write(record, to: runURL(record.id))
            try noteEnd(of: record, previous: current)
        }
    }

    /// Fetches a record.
    /// - Parameter id: The run id.
    /// - Returns: The record, or `nil`.
    /// - Throws: ``StoreError`` when a file cannot be read.
    public func run(id: RunID) async throws -> RunRecord? {
        try await locked { [self] in try read(RunRecord.self, at: runURL(id)) }
    }

    /// Lists records newest first (by run id), one page at a time.
    ///
    /// Keyset paging: the cursor names the last run of the previous page, and the next page holds the runs
    /// with smaller ids — so runs added between pages cause neither gaps nor repeats (an offset would).
    /// - Parameter query: Filters, page size and cursor.
    /// - Returns: The page, with a cursor only when another matching run exists.
    /// - Throws: ``StoreError`` with ``StoreError/Code/invalidQuery`` or ``StoreError/Code/invalidCursor``.
    public func queryRuns(_ query: RunQuery) async throws -> RunPage {
        try query.validate()
        let after = try query.cursor?.runID()
        return try await locked { [self] in
            let matching = try readAll(RunRecord.self, in: "runs")
                .filter { record in after.map { record.id < $0 } ?? true }
                .filter(query.matches)
                .sorted { $0.id > $1.id }
            let page = Array(matching.prefix(query.limit))
            let more = matching.count > page.count
            return RunPage(records: page, nextCursor: more ? page.last.map { .after($0.id) } : nil)
        }
    }

    /// Extends the lease of a queued or running run held by `owner`.
    /// - Parameters:
    ///   - id: The run.
    ///   - owner: The lease owner.
    ///   - duration: The new lease length from now (on the injected clock).
    /// - Returns: The updated record.
    /// - Throws: ``StoreError`` with ``StoreError/Code/leaseNotHeld`` or ``StoreError/Code/runNotFound``.
    public func renewRunLease(id: RunID, owner: String, duration: Duration) async throws -> RunRecord {
        try await locked { [self] in
            guard var record = try read(RunRecord.self, at: runURL(id)) else {
                throw StoreError(.runNotFound, "no run with id \(id)")
            }
            guard !record.status.isTerminal else {
                throw StoreError(.leaseNotHeld, "run \(id) already ended as \(record.status); its lease is gone")
            }
            guard record.leaseOwner == owner else {
                throw StoreError(
                    .leaseNotHeld, "run \(id) is leased by \(record.leaseOwner ?? "nobody"), not by \(owner)")
            }
            record.leaseExpiresAt = Timestamp.roundedToMilliseconds(now.addingTimeInterval(duration.timeInterval))
            try write(record, to: runURL(id))
            return record
        }
    }

    /// Marks every queued or running run whose lease expired (on the injected clock) as abandoned.
    /// - Returns: The abandoned records, oldest first.
    /// - Throws: ``StoreError`` when a file cannot be read or written.
    public func abandonExpiredRuns() async throws -> [RunRecord] {
        try await locked { [self] in
            let now = self.now
            var abandoned: [RunRecord] = []
            let candidates = try readAll(RunRecord.self, in: "runs").sorted { $0.id < $1.id }
            for var record in candidates
            where !record.status.isTerminal && record.status != .awaitingApproval && !record.hasLiveLease(at: now) {
                Self.markAbandoned(&record, now: now)
                try write(record, to: runURL(record.id))
                try noteEnd(of: record, previous: nil)
                abandoned.append(record)
            }
            return abandoned
        }
    }

    static func markAbandoned(_ record: inout RunRecord, now: Date) {
        let expiry = record.leaseExpiresAt.map(Timestamp.format) ?? "an unknown time"
        record.status = .abandoned
        record.endedAt = Timestamp.roundedToMilliseconds(now)
        record.errorClass = .transient
        record.errorMessage =
            "abandoned: the lease held by \(record.leaseOwner ?? "an unknown owner") expired at \(expiry) without renewal"
    }
}
