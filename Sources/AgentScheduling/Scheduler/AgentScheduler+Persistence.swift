import AgentCore
import Foundation

extension AgentScheduler {
    /// A `skipped` record waiting to be written.
    struct SkipWrite: Sendable {
        let run: PendingRun
        let at: Date
        let reason: String
    }

    /// The store is failing: since when, how often, and when to try again.
    struct StoreFailure: Sendable {
        var message: String
        var attempts: Int
        var retryAt: Date
    }

    /// After any change: starts what can start, writes skipped records and schedule state, publishes the state
    /// and wakes test waiters. Writes are serialised: a call during a flush makes that flush run once more.
    func pump() async {
        start(dispatch())
        if isFlushing {
            flushRequested = true
        } else {
            isFlushing = true
            repeat {
                flushRequested = false
                if storeFailure == nil { await writeSkips() }
                if storeFailure == nil { await persistStates() }
                start(dispatch())
            } while flushRequested && storeFailure == nil
            isFlushing = false
        }
        publishState()
        checkWaiters()
    }

    /// Writes the pending `skipped` records. A scheduled fire's record is claimed with the fire's key, so a fire
    /// that another scheduler ran (or skipped) is not recorded twice.
    private func writeSkips() async {
        while !skips.isEmpty {
            let skip = skips.removeFirst()
            do {
                if let record = try await writeSkipped(skip) {
                    events.emit(RunEvent(kind: .runSkipped, record: record, timestamp: clock.now, message: skip.reason))
                }
            } catch {
                skips.insert(skip, at: 0)
                enterStoreFailure(error)
                return
            }
            if let fire = skip.run.fire, skip.run.isFirstScheduledAttempt {
                registry[skip.run.agentName]?.release(fire: fire)
                dirty.insert(skip.run.agentName)
            }
        }
    }

    private func writeSkipped(_ skip: SkipWrite) async throws -> RunRecord? {
        var record = RunRecord(
            id: configuration.runIDs.next(at: skip.at), request: skip.run.request, status: .skipped, queuedAt: skip.at)
        record.endedAt = record.queuedAt
        record.summary = skip.reason
        guard skip.run.isFirstScheduledAttempt else {
            try await store.insertRun(record)
            return record
        }
        let lease = registry[skip.run.agentName]?.policy.leaseDuration ?? RunPolicy.default.leaseDuration
        let claim = RunClaim(
            record: record, owner: orchestrator.owner, leaseDuration: lease, settledStatuses: skip.run.settledStatuses)
        guard case .claimed(var claimed) = try await store.claimRun(claim) else { return nil }
        claimed.leaseExpiresAt = nil
        try await store.updateRun(claimed)
        return claimed
    }

    /// Saves the schedule state of every agent that changed since it was last saved.
    private func persistStates() async {
        while let name = dirty.first {
            dirty.remove(name)
            do {
                if let entry = registry[name] {
                    guard entry.isLoaded else { continue }
                    let state = entry.persistentState
                    let saved = entry.saved
                    // Only the fields this scheduler changed are written, inside the store's atomic update, so a
                    // pause or resume that another process wrote meanwhile is never overwritten.
                    let pauseChanged =
                        saved.map { $0.isPaused != state.isPaused || $0.pausedReason != state.pausedReason }
                        ?? state.isPaused
                    let fireChanged =
                        saved.map {
                            $0.nextFireAt != state.nextFireAt || $0.lastFireAt != state.lastFireAt
                                || $0.consecutiveFailures != state.consecutiveFailures
                        } ?? true
                    guard pauseChanged || fireChanged else { continue }
                    let stored = try await store.updateScheduleState(for: name) { stored in
                        stored.nextFireAt = state.nextFireAt
                        stored.lastFireAt = state.lastFireAt
                        stored.consecutiveFailures = state.consecutiveFailures
                        if pauseChanged {
                            stored.isPaused = state.isPaused
                            stored.pausedReason = state.pausedReason
                        }
                    }
                    var written = state
                    written.version = stored.version
                    registry[name]?.saved = written
                } else if removedStates.contains(name) {
                    try await store.removeScheduleState(for: name)
                    removedStates.remove(name)
                }
            } catch {
                dirty.insert(name)
                enterStoreFailure(error)
                return
            }
        }
    }

    /// Enters the error state and plans the first attempt to reach the store again; while already in it, only
    /// the message changes (attempts back off when a recovery attempt fails, not per failing call).
    func enterStoreFailure(_ error: any Error) {
        guard storeFailure == nil else {
            storeFailure?.message = "\(error)"
            return
        }
        storeFailure = StoreFailure(message: "\(error)", attempts: 0, retryAt: clock.now)
        scheduleRecovery()
        publishState()
    }

    /// Plans the next recovery attempt after the store retry policy's backoff.
    private func scheduleRecovery() {
        guard var failure = storeFailure else { return }
        failure.attempts += 1
        let delay = configuration.storeRetry.delay(forRetry: failure.attempts, using: &random)
        failure.retryAt = clock.now.addingTimeInterval(delay.timeInterval)
        storeFailure = failure
        wakeDriveLoop()
    }

    /// Probes the store; on success leaves the error state so the tick catches up, otherwise backs off further.
    func attemptRecovery() async {
        do {
            _ = try await store.queryRuns(RunQuery(limit: 1))
        } catch {
            storeFailure?.message = "\(error)"
            scheduleRecovery()
            return
        }
        storeFailure = nil
        publishState()
    }

    // MARK: - Chains and waiters

    /// How a chain of attempts ended, for whoever waits on it.
    enum ChainOutcome: Sendable {
        /// The last attempt's execution (or the existing run a duplicate request found).
        case finished(RunExecution)
        /// Nothing ran: the scheduler shut down or the agent was removed first.
        case notStarted
    }

    /// Who waits for a chain of attempts.
    enum Ticket: Sendable {
        case manual(CheckedContinuation<ChainOutcome, Never>)
        case backfill(job: UInt64, index: Int)
    }

    /// Hands the end of a chain to whoever waits for it.
    func finishChain(_ run: PendingRun, _ outcome: ChainOutcome) {
        guard let ticket = run.ticket, let owner = tickets.removeValue(forKey: ticket) else { return }
        switch owner {
        case .manual(let continuation):
            continuation.resume(returning: outcome)
        case .backfill(let job, let index):
            backfillItemEnded(job: job, index: index, outcome: outcome)
        }
    }

    /// Pauses an agent (by hand or automatically): its timer stops, the reason is persisted and announced.
    func pauseEntry(_ entry: SchedulerAgent, reason: String, automatic: Bool) {
        let name = entry.definition.name
        entry.state.isPaused = true
        entry.state.pausedReason = reason
        removeFireTimer(of: name)
        dirty.insert(name)
        events.emit(
            RunEvent(
                kind: .agentPaused, timestamp: clock.now, agentName: name, message: reason,
                details: .pause(
                    PauseDetails(automatic: automatic, consecutiveFailures: entry.state.consecutiveFailures))))
    }

    /// Whether nothing is in flight: no run holds a slot and nothing waits to be written.
    var isQuiet: Bool {
        active.isEmpty && !isFlushing && (storeFailure != nil || (skips.isEmpty && dirty.isEmpty))
    }

    /// Resumes test and simulation waiters whose condition holds.
    func checkWaiters() {
        guard isQuiet else { return }
        let quiet = quietWaiters
        quietWaiters = []
        for waiter in quiet { waiter.resume() }
        if case .some(let deadline) = parkedDeadline, deadline.map({ $0 > clock.now }) ?? true {
            let parked = parkedWaiters
            parkedWaiters = []
            for waiter in parked { waiter.resume(returning: deadline) }
        }
    }
}
