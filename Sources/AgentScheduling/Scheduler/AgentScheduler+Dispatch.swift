import AgentCore
import Foundation

extension AgentScheduler {
    /// A run that holds one of the concurrency slots, and the worker executing it.
    struct ActiveRun: Sendable {
        let run: PendingRun
        var worker: UInt64
    }

    /// What a worker needs to execute one run.
    struct Assignment: Sendable {
        let id: UInt64
        let request: AgentRunRequest
        let agent: any AgentDefinition
        let settledStatuses: Set<RunStatus>
    }

    /// Takes queued runs, most urgent first, while a slot is free, applying each agent's overlap policy, and
    /// returns the runs to start; each already holds its slot.
    ///
    /// A slot is taken synchronously here and given back only when the run's orchestrator call has returned
    /// (after the terminal record), so the limit holds at every instant.
    func dispatch() -> [PendingRun] {
        guard canStartRuns else { return [] }
        var starting: [PendingRun] = []
        while active.count < configuration.maximumConcurrentRuns, let run = queue.popMin() {
            guard let entry = registry[run.agentName] else {
                finishChain(run, .notStarted)
                continue
            }
            if run.isScheduled, !entry.isEnabled || entry.state.isPaused {
                let why = entry.state.isPaused ? "the agent is paused" : "the agent is disabled"
                skip(run, reason: "\(why); the \(describe(run)) did not start")
                continue
            }
            let running = activeByAgent[run.agentName] ?? []
            if running.isEmpty || entry.policy.overlap == .allow {
                activate(run)
                starting.append(run)
                continue
            }
            let sameBatch = run.batch != 0 && running.allSatisfy { active[$0]?.run.batch == run.batch }
            guard run.isScheduled, !sameBatch else {
                // Backfill dates, manual requests and fires collected together never skip each other: they wait
                // for the agent's active run.
                waiting[run.agentName, default: []].append(run)
                continue
            }
            switch entry.policy.overlap {
            case .queue:
                if waiting[run.agentName, default: []].count < configuration.maximumQueuedRunsPerAgent {
                    waiting[run.agentName, default: []].append(run)
                } else {
                    skip(
                        run,
                        reason:
                            "overlap policy queue: \(configuration.maximumQueuedRunsPerAgent) runs already wait behind the active run"
                    )
                }
            case .replace:
                for id in running { cancel(id) }
                var queued = waiting[run.agentName] ?? []
                for older in queued where older.isScheduled {
                    skip(
                        older,
                        reason: "overlap policy replace: superseded by the fire at \(Timestamp.format(run.dueAt))")
                }
                queued.removeAll { $0.isScheduled }
                queued.append(run)
                waiting[run.agentName] = queued
            default:
                let ids = running.compactMap { active[$0] }.map { describe($0.run) }.sorted()
                skip(run, reason: "overlap policy skip: \(ids.joined(separator: ", ")) still active")
            }
        }
        return starting
    }

    /// Takes a slot for a run.
    private func activate(_ run: PendingRun) {
        activeByAgent[run.agentName, default: []].insert(run.sequence)
        if let fire = run.fire, run.isFirstScheduledAttempt {
            registry[run.agentName]?.release(fire: fire)
            dirty.insert(run.agentName)
        }
        active[run.sequence] = ActiveRun(run: run, worker: 0)
    }

    /// Cancels an active run (its worker's task).
    func cancel(_ id: UInt64) {
        guard let worker = active[id]?.worker else { return }
        workers[worker]?.cancel()
    }

    /// The assignment of an active run to a worker.
    private func assign(_ run: PendingRun, to worker: UInt64) -> Assignment? {
        guard let agent = registry[run.agentName]?.definition else { return nil }
        active[run.sequence]?.worker = worker
        return Assignment(
            id: run.sequence, request: run.request, agent: agent, settledStatuses: run.settledStatuses)
    }

    /// Starts runs, each on a new worker task.
    ///
    /// A worker executes its run through the orchestrator, reports the result and receives the next run to
    /// execute in the same call, so a busy scheduler creates no task per run and crosses to the actor once per
    /// run. A worker ends when nothing is left to start.
    func start(_ runs: some Sequence<PendingRun>) {
        for run in runs {
            let worker = nextSequence()
            guard let first = assign(run, to: worker) else { continue }
            let orchestrator = self.orchestrator
            workers[worker] = Task.detached(executorPreference: workerExecutor) {
                var next: Assignment? = first
                while let assignment = next {
                    let result: Result<RunExecution, any Error>
                    do {
                        result = .success(
                            try await orchestrator.execute(
                                assignment.request, agent: assignment.agent,
                                settledStatuses: assignment.settledStatuses, deferringEndEvent: true))
                    } catch {
                        result = .failure(error)
                    }
                    next = await self.runEnded(
                        assignment.id, result: result, worker: worker, mayContinue: !Task.isCancelled)
                }
            }
        }
    }

    /// Gives the slot back and decides what follows: a retry, a failure count, an auto-pause, the next run.
    /// - Returns: The next run for the reporting worker, or `nil` when it should end.
    func runEnded(
        _ id: UInt64, result: Result<RunExecution, any Error>, worker: UInt64, mayContinue: Bool
    ) async -> Assignment? {
        guard let finished = active.removeValue(forKey: id) else { return nil }
        let run = finished.run
        activeByAgent[run.agentName]?.remove(id)
        // An agent's (empty) set stays while it is registered, so its next run allocates nothing.
        if registry[run.agentName] == nil, activeByAgent[run.agentName]?.isEmpty == true {
            activeByAgent[run.agentName] = nil
        }
        switch result {
        case .success(let execution):
            if execution.disposition == .executed {
                handleExecuted(run, execution: execution)
            } else {
                // Another scheduler (or an earlier run) already handled this key.
                finishChain(run, .finished(execution))
            }
        case .failure(let error):
            // Not claimed, or its record could not be written: the fire is held again (a restart finds it), and
            // is retried once the store answers. The claim makes that safe: a fire that did start is found
            // settled or in progress.
            enterStoreFailure(error)
            if let fire = run.fire, run.isFirstScheduledAttempt {
                registry[run.agentName]?.heldFires.append(fire)
                dirty.insert(run.agentName)
            }
            if lifecycle == .stopping || lifecycle == .stopped {
                finishChain(run, .notStarted)
            } else {
                queue.insert(run)
            }
        }
        if activeByAgent[run.agentName]?.isEmpty ?? true, var queued = waiting[run.agentName], !queued.isEmpty {
            queue.insert(queued.removeFirst())
            waiting[run.agentName] = queued.isEmpty ? nil : queued
        }
        var starting = dispatch()[...]
        var next: Assignment?
        while mayContinue, next == nil, let run = starting.popFirst() {
            next = assign(run, to: worker)
        }
        if next == nil { workers[worker] = nil }
        start(starting)
        if active.isEmpty { drained.signal() }
        await pump()
        return next
    }

    /// Handles a run that executed: success resets the failure streak; a retryable failure schedules the next
    /// attempt; a final failure counts towards auto-pause. The orchestrator left the run's terminal event to this
    /// method, which publishes it once it knows whether a retry follows (``AgentCore/RunFailureDetails/isFinal``).
    func handleExecuted(_ run: PendingRun, execution: RunExecution) {
        let record = execution.record
        guard let entry = registry[run.agentName] else {
            announceEnd(of: execution, isFinal: true)
            finishChain(run, .finished(execution))
            return
        }
        let retry = entry.policy.retry
        let retryableClass = record.status.isSuccess ? nil : record.errorClass.flatMap { $0 == .cancelled ? nil : $0 }
        let retries =
            retryableClass.map(retry.retries) == true && record.attempt <= retry.maximumRetries
            && lifecycle != .stopping
        announceEnd(of: execution, isFinal: !retries)
        if record.status.isSuccess {
            if entry.state.consecutiveFailures != 0 {
                entry.state.consecutiveFailures = 0
                dirty.insert(run.agentName)
            }
            finishChain(run, .finished(execution))
            return
        }
        guard retryableClass != nil else {
            // Cancelled by a replacing run or by shutdown: neither a failure nor retried.
            finishChain(run, .finished(execution))
            return
        }
        if retries {
            scheduleRetry(of: run, execution: execution, policy: entry.policy)
            return
        }
        entry.state.consecutiveFailures += 1
        dirty.insert(run.agentName)
        if let limit = entry.policy.autoPauseAfterConsecutiveFailures, entry.state.consecutiveFailures >= limit,
            !entry.state.isPaused
        {
            let last = record.errorMessage ?? record.status.description
            pauseEntry(
                entry,
                reason:
                    "paused automatically after \(entry.state.consecutiveFailures) consecutive failed runs; last error: \(last)",
                automatic: true)
        }
        finishChain(run, .finished(execution))
    }

    /// Publishes the terminal event the orchestrator deferred, its failure marked final or not.
    private func announceEnd(of execution: RunExecution, isFinal: Bool) {
        guard let event = execution.endEvent else { return }
        events.emit(event.markingFailure(final: isFinal))
    }

    /// Schedules the next attempt of a failed run: the rate limit's retry-after when the agent gave one,
    /// otherwise the policy's exponential backoff with jitter from the injected random source.
    func scheduleRetry(of run: PendingRun, execution: RunExecution, policy: RunPolicy) {
        let record = execution.record
        let delay: Duration
        if record.errorClass == .rateLimited, let retryAfter = execution.retryAfter {
            delay = max(.zero, retryAfter)
        } else {
            delay = policy.retry.delay(forRetry: record.attempt, using: &random)
        }
        let now = clock.now
        let retryAt = now.addingTimeInterval(delay.timeInterval)
        let request = AgentRunRequest(
            agent: record.agentName, trigger: .retry(of: record.firstRunID ?? record.id, attempt: record.attempt + 1),
            parameters: record.parameters, correlationID: record.correlationID, businessDate: record.businessDate,
            idempotencyKey: record.idempotencyKey)
        let retry = PendingRun(
            sequence: nextSequence(), request: request, origin: run.origin, priority: policy.priority, dueAt: retryAt,
            ticket: run.ticket, previous: execution)
        if retryAt <= now {
            queue.insert(retry)
        } else {
            retries[retry.sequence] = retry
            insertTimer(.retry(retry.sequence), at: retryAt)
        }
        events.emit(
            RunEvent(
                kind: .runRetryScheduled, record: record, timestamp: now,
                message:
                    "attempt \(record.attempt) ended \(record.status) (\(record.errorClass?.description ?? "unclassified")); attempt \(record.attempt + 1) at \(Timestamp.format(retryAt))",
                details: .retry(
                    RetryScheduleDetails(
                        retryAt: retryAt, delay: delay, nextAttempt: record.attempt + 1,
                        failureClass: record.errorClass))))
    }

    /// Turns a run that will not start into a `skipped` record (written by the next flush).
    func skip(_ run: PendingRun, reason: String) {
        skips.append(SkipWrite(run: run, at: clock.now, reason: reason))
        finishChain(run, run.previous.map { .finished($0) } ?? .notStarted)
    }

    /// `fire at 2026-01-01T00:00:00.000Z`, `retry 2 of 01J…`, `backfill 2026-01-01`.
    func describe(_ run: PendingRun) -> String {
        switch run.request.trigger {
        case .scheduled(let fire): "fire at \(Timestamp.format(fire))"
        default: "\(run.request.trigger) run"
        }
    }
}
