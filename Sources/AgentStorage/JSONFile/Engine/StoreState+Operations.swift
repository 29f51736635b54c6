import AgentCore
import Foundation

/// The rules of every change, over the compact state. They are those of the shared `RunIndex` and
/// `LeaseTable` that the in-memory store uses (same checks, same messages, same abandonment text), so
/// both stores behave identically; only the bookkeeping differs.
extension StoreState {
    /// Performs one operation, appending its journal entries to `batch`.
    /// - Throws: ``StoreError`` when the operation is refused; nothing of it is applied then.
    mutating func perform(_ operation: StoreOperation, in batch: inout Batch, clock: any AgentClock)
        throws(StoreError) -> OperationOutcome
    {
        switch operation {
        case .claim(let claim):
            return .claim(try self.claim(claim, now: clock.now, in: &batch))
        case .insert(let record):
            try insert([record], in: &batch)
            return .done
        case .insertMany(let records):
            try insert(records, in: &batch)
            return .done
        case .update(let record):
            try update(record, in: &batch)
            return .done
        case .renewRunLease(let id, let owner, let duration):
            let expiry = clock.now.addingTimeInterval(duration.timeInterval)
            return .record(
                try renewRunLease(id: id, owner: owner, until: Timestamp.roundedToMilliseconds(expiry), in: &batch))
        case .abandonExpiredRuns:
            return .records(try abandonExpired(now: clock.now, in: &batch))
        case .acquireLease(let name, let owner, let duration):
            saveLeases(&batch)
            guard let lease = leases.acquire(name: name, owner: owner, duration: duration, now: clock.now) else {
                return .lease(nil)
            }
            _ = try batch.append(.lease(lease))
            fencing[name] = max(fencing[name] ?? 0, lease.fencingToken)
            return .lease(lease)
        case .renewLease(let lease, let duration):
            saveLeases(&batch)
            let renewed = try leases.renew(lease, duration: duration, now: clock.now)
            _ = try batch.append(.lease(renewed))
            return .lease(renewed)
        case .releaseLease(let lease):
            let held = leases.all.contains {
                $0.name == lease.name && $0.owner == lease.owner && $0.fencingToken == lease.fencingToken
            }
            guard held else { return .done }
            saveLeases(&batch)
            _ = try batch.append(.leaseReleased(name: lease.name, fencingToken: lease.fencingToken))
            leases.release(lease)
            return .done
        case .saveSchedule(let state):
            try writeSchedule(state, in: &batch)
            return .done
        case .removeSchedule(let agent):
            guard schedules[agent] != nil else { return .done }
            _ = try batch.append(.scheduleRemoved(agent))
            batch.changes.append(.scheduleStateRemoved(agent))
            saveSchedules(&batch)
            schedules[agent] = nil
            return .done
        case .updateSchedule(let agent, let change):
            let before = schedules[agent] ?? ScheduleState(agentName: agent)
            var after = before
            change.apply(to: &after)
            after.agentName = agent
            after.version = before.version
            after.nextFireAt = after.nextFireAt.map(Timestamp.roundedToMilliseconds)
            after.lastFireAt = after.lastFireAt.map(Timestamp.roundedToMilliseconds)
            guard after != before else { return .schedule(before) }
            return .schedule(try writeSchedule(after, in: &batch))
        case .markNotified(let id):
            guard let slot = runs.find(id), runs.status(of: slot).isTerminal else { return .optionalRecord(nil) }
            var record = try record(at: slot)
            guard record.notifiedAt == nil else { return .optionalRecord(nil) }
            record.notifiedAt = Timestamp.roundedToMilliseconds(clock.now)
            try write(record, slot: slot, in: &batch)
            return .optionalRecord(record)
        case .submitRequest(let request):
            let stored = try requests.submission(request, now: clock.now)
            try writeRequest(stored, in: &batch)
            return .request(stored)
        case .takeRequest(let id, let owner):
            guard let taken = requests.taking(id: id, owner: owner, now: clock.now) else { return .request(nil) }
            try writeRequest(taken, in: &batch)
            return .request(taken)
        case .completeRequest(let id, let owner, let runID, let runStatus, let outcome):
            let (request, changed) = try requests.completing(
                id: id, owner: owner, runID: runID, runStatus: runStatus, outcome: outcome, now: clock.now)
            if changed { try writeRequest(request, in: &batch) }
            return .request(request)
        case .heartbeat(let presence, let timeToLive):
            let stored = presences.beat(presence, timeToLive: timeToLive, now: clock.now)
            _ = try batch.append(.presence(stored))
            if batch.undo.presences == nil { batch.undo.presences = presences }
            presences.put(stored)
            return .presence(stored)
        case .removePresence(let id):
            guard presences.byID[id] != nil else { return .done }
            _ = try batch.append(.presenceRemoved(id: id))
            if batch.undo.presences == nil { batch.undo.presences = presences }
            presences.remove(id: id)
            return .done
        case .createPlanRun(let run):
            let result = try workflows.creating(run, now: clock.now)
            if result.created { try writePlanRun(result.run, in: &batch) }
            return .planRun(result.run, created: result.created)
        case .replacePlanRun(let run, let expectedVersion):
            let stored = try workflows.replacing(run, expectedVersion: expectedVersion, now: clock.now)
            try writePlanRun(stored, in: &batch)
            return .planRun(stored, created: false)
        case .requestApproval(let request, let timeout):
            let result = workflows.requesting(request, timeout: timeout, now: clock.now)
            if result.created { try writeApproval(result.request, in: &batch) }
            return .approvalRequest(result.request, created: result.created)
        case .decideApproval(let runID, let verdict, let decider, let comment):
            let (result, changed) = try workflows.deciding(
                runID: runID, verdict: verdict, by: decider, comment: comment, now: clock.now)
            if changed { try writeApproval(result.request, in: &batch) }
            return .approvalDecision(result)
        case .expireApprovals:
            let expired = workflows.expiring(now: clock.now)
            for request in expired { try writeApproval(request, in: &batch) }
            return .approvals(expired)
        case .markApprovalNotified(let runID):
            guard let request = workflows.notifying(runID: runID, now: clock.now) else {
                return .approvalRequest(nil, created: false)
            }
            try writeApproval(request, in: &batch)
            return .approvalRequest(request, created: false)
        case .submitCandidate(let candidate):
            let result = try candidates.submitting(candidate, now: clock.now)
            if result.created { try writeCandidate(result.candidate, in: &batch) }
            return .candidate(result.candidate, created: result.created)
        case .startStageRun(let candidateID, let stage, let runID):
            let (start, changed) = try candidates.starting(
                candidateID: candidateID, stage: stage, runID: runID, now: clock.now)
            if changed { try writeCandidate(start.candidate, in: &batch) }
            return .stageRunStart(start)
        case .replaceCandidate(let candidate, let expectedVersion):
            let stored = try candidates.replacing(candidate, expectedVersion: expectedVersion, now: clock.now)
            try writeCandidate(stored, in: &batch)
            return .candidate(stored, created: false)
        case .resumeCandidate(let id, let person):
            let stored = try candidates.resuming(id: id, by: person, now: clock.now)
            try writeCandidate(stored, in: &batch)
            return .candidate(stored, created: false)
        case .promote(let promotion):
            let result = try candidates.promoting(promotion, now: clock.now)
            if result.created { try writeCandidate(result.candidate, promotion: result.promotion, in: &batch) }
            return .promotion(result.promotion, created: result.created, candidate: result.candidate)
        case .synchronize:
            return .done
        }
    }

    // MARK: Candidates

    /// Writes a candidate (after the promotion that moves it, if any) and adds it to the batch's changes. Both
    /// lines go into the same append, so a crash keeps both or neither.
    private mutating func writeCandidate(
        _ candidate: Candidate, promotion: Promotion? = nil, in batch: inout Batch
    ) throws(StoreError) {
        if let promotion { _ = try batch.append(.promotion(promotion)) }
        _ = try batch.append(.candidate(candidate))
        batch.changes.append(.candidate(candidate))
        if batch.undo.candidates == nil { batch.undo.candidates = candidates }
        if let promotion { candidates.put(promotion) }
        candidates.put(candidate)
    }

    // MARK: Workflows

    /// Writes a plan run and adds it to the batch's changes.
    private mutating func writePlanRun(_ run: PlanRun, in batch: inout Batch) throws(StoreError) {
        _ = try batch.append(.planRun(run))
        batch.changes.append(.planRun(run))
        if batch.undo.workflows == nil { batch.undo.workflows = workflows }
        workflows.put(run)
    }

    /// Writes an approval request and adds it to the batch's changes.
    private mutating func writeApproval(_ request: ApprovalRequest, in batch: inout Batch) throws(StoreError) {
        _ = try batch.append(.approval(request))
        batch.changes.append(.approval(request))
        if batch.undo.workflows == nil { batch.undo.workflows = workflows }
        workflows.put(request)
    }

    // MARK: Schedules and requests

    /// Writes a schedule state with the next version, and adds it to the batch's changes.
    /// - Returns: The state as stored.
    @discardableResult
    private mutating func writeSchedule(_ state: ScheduleState, in batch: inout Batch) throws(StoreError)
        -> ScheduleState
    {
        var state = state
        state.nextFireAt = state.nextFireAt.map(Timestamp.roundedToMilliseconds)
        state.lastFireAt = state.lastFireAt.map(Timestamp.roundedToMilliseconds)
        state.version = (schedules[state.agentName]?.version ?? 0) + 1
        _ = try batch.append(.schedule(state))
        batch.changes.append(.scheduleState(state))
        saveSchedules(&batch)
        schedules[state.agentName] = state
        return state
    }

    /// Writes a request (new or changed), and adds it to the batch's changes.
    private mutating func writeRequest(_ request: ControlRequest, in batch: inout Batch) throws(StoreError) {
        _ = try batch.append(.request(request))
        batch.changes.append(.request(request))
        if batch.undo.requests == nil { batch.undo.requests = requests }
        requests.put(request)
    }

    // MARK: Runs

    private mutating func claim(_ claim: RunClaim, now: Date, in batch: inout Batch) throws(StoreError)
        -> RunClaimOutcome
    {
        guard runs.find(claim.record.id) == nil else {
            throw StoreError(.duplicateRunID, "a run with id \(claim.record.id) already exists")
        }
        let key = claim.record.idempotencyKey
        if let agent = runs.agentIndex(of: claim.record.agentName) {
            let candidates = runs.sameKey(RunRecordCodec.keyHash(key.rawValue), agent: agent)
            for slot in candidates.reversed() where claim.settledStatuses.contains(runs.status(of: slot)) {
                let record = try record(at: slot)
                if record.idempotencyKey == key { return .duplicate(of: record) }
            }
            for slot in candidates where !runs.status(of: slot).isTerminal {
                guard var record = unwritten[slot] ?? active[slot], record.idempotencyKey == key else { continue }
                // A run awaiting approval holds no lease but is never abandoned: it is in progress until decided.
                if record.hasLiveLease(at: now) || record.status == .awaitingApproval { return .inProgress(record) }
                RunIndex.markAbandoned(&record, now: now)
                try write(record, slot: slot, in: &batch)
            }
        }
        var record = RunRecordCodec.normalized(claim.record)
        record.leaseOwner = claim.owner
        record.leaseExpiresAt = Timestamp.roundedToMilliseconds(
            now.addingTimeInterval(claim.leaseDuration.timeInterval))
        try write(record, slot: nil, in: &batch)
        return .claimed(record)
    }

    private mutating func insert(_ records: [RunRecord], in batch: inout Batch) throws(StoreError) {
        var seen = Set<RunID>()
        for record in records {
            guard runs.find(record.id) == nil, seen.insert(record.id).inserted else {
                throw StoreError(.duplicateRunID, "a run with id \(record.id) already exists")
            }
        }
        let mark = (bytes: batch.writer.count, lines: batch.lines, changes: batch.changes.count)
        var written: [Int32] = []
        for record in records {
            do {
                written.append(try write(RunRecordCodec.normalized(record), slot: nil, in: &batch))
            } catch {
                // All or nothing: take back the records of this call already added.
                batch.writer.bytes.removeSubrange(mark.bytes...)
                batch.lines = mark.lines
                batch.changes.removeSubrange(mark.changes...)
                runs.remove(Set(written))
                for slot in written {
                    active[slot] = nil
                    unwritten[slot] = nil
                    batch.undo.inserted.remove(slot)
                }
                throw error
            }
        }
    }

    private mutating func update(_ record: RunRecord, in batch: inout Batch) throws(StoreError) {
        guard let slot = runs.find(record.id) else {
            throw StoreError(.runNotFound, "no run with id \(record.id); insert or claim it first")
        }
        let entry = runs.slots[Int(slot)]
        var sameIdentity =
            runs.agentIndex(of: record.agentName) == entry.agent
            && RunRecordCodec.keyHash(record.idempotencyKey.rawValue) == entry.keyHash
        if sameIdentity {
            let current = try self.record(at: slot)
            sameIdentity = current.agentName == record.agentName && current.idempotencyKey == record.idempotencyKey
        }
        guard sameIdentity else {
            throw StoreError(.invalidRecord, "run \(record.id): the agent and idempotency key of a run cannot change")
        }
        let status = runs.status(of: slot)
        guard !status.isTerminal || status == record.status else {
            throw StoreError(
                .terminalRecordImmutable,
                "run \(record.id) already ended as \(status); it cannot become \(record.status)")
        }
        try write(RunRecordCodec.normalized(record), slot: slot, in: &batch)
    }

    private mutating func renewRunLease(id: RunID, owner: String, until expiry: Date, in batch: inout Batch)
        throws(StoreError) -> RunRecord
    {
        guard let slot = runs.find(id) else { throw StoreError(.runNotFound, "no run with id \(id)") }
        guard var record = unwritten[slot] ?? active[slot], !record.status.isTerminal else {
            throw StoreError(.leaseNotHeld, "run \(id) already ended as \(runs.status(of: slot)); its lease is gone")
        }
        guard record.leaseOwner == owner else {
            throw StoreError(.leaseNotHeld, "run \(id) is leased by \(record.leaseOwner ?? "nobody"), not by \(owner)")
        }
        record.leaseExpiresAt = expiry
        try write(record, slot: slot, in: &batch)
        return record
    }

    private mutating func abandonExpired(now: Date, in batch: inout Batch) throws(StoreError) -> [RunRecord] {
        var abandoned: [RunRecord] = []
        let slots = active.keys.sorted { runs.slots[Int($0)].id < runs.slots[Int($1)].id }
        for slot in slots {
            guard var record = unwritten[slot] ?? active[slot], !record.hasLiveLease(at: now),
                record.status != .awaitingApproval
            else { continue }
            RunIndex.markAbandoned(&record, now: now)
            try write(record, slot: slot, in: &batch)
            abandoned.append(record)
        }
        return abandoned
    }

    /// Appends a record to the batch and applies it to the indexes.
    /// - Parameters:
    ///   - record: The record as it is stored (already normalized).
    ///   - slot: Its slot when it exists.
    /// - Returns: Its slot.
    @discardableResult
    private mutating func write(_ record: RunRecord, slot existing: Int32?, in batch: inout Batch) throws(StoreError)
        -> Int32
    {
        guard let location = try batch.append(.run(record)) else {
            throw StoreError(.invalidRecord, "run \(record.id) could not be encoded")
        }
        let queuedAt = Timestamp.milliseconds(record.queuedAt)
        if record.status.isTerminal, existing.map({ !runs.status(of: $0).isTerminal }) ?? true {
            // The same rule as `StoreState.apply` for lines read back, so every process numbers changes alike.
            batch.changes.append(.runEnded(id: record.id, agent: record.agentName, status: record.status))
        }
        let slot: Int32
        if let existing {
            if !batch.undo.inserted.contains(existing), batch.undo.changedSlots.insert(existing).inserted {
                batch.undo.changed.append((existing, runs.slots[Int(existing)], active[existing]))
            }
            runs.update(existing, status: record.status, queuedAt: queuedAt, location: location)
            slot = existing
        } else {
            slot = runs.insert(
                id: record.id, agent: runs.intern(record.agentName), status: record.status,
                queuedAt: queuedAt, keyHash: RunRecordCodec.keyHash(record.idempotencyKey.rawValue),
                location: location)
            batch.undo.inserted.insert(slot)
        }
        active[slot] = record.status.isTerminal ? nil : record
        unwritten[slot] = record
        return slot
    }

    // MARK: Undo

    private mutating func saveLeases(_ batch: inout Batch) {
        if batch.undo.leases == nil {
            batch.undo.leases = leases
            batch.undo.fencing = fencing
        }
    }

    private mutating func saveSchedules(_ batch: inout Batch) {
        if batch.undo.schedules == nil { batch.undo.schedules = schedules }
    }

    /// Puts memory back as it was before a batch whose bytes could not be written.
    mutating func revert(_ undo: Batch.Undo) {
        for change in undo.changed.reversed() {
            runs.restore(change.slot, to: change.previous)
            active[change.slot] = change.active
        }
        runs.remove(undo.inserted)
        for slot in undo.inserted { active[slot] = nil }
        if let leases = undo.leases { self.leases = leases }
        if let fencing = undo.fencing { self.fencing = fencing }
        if let schedules = undo.schedules { self.schedules = schedules }
        if let requests = undo.requests { self.requests = requests }
        if let presences = undo.presences { self.presences = presences }
        if let workflows = undo.workflows { self.workflows = workflows }
        if let candidates = undo.candidates { self.candidates = candidates }
        unwritten.removeAll()
    }
}
