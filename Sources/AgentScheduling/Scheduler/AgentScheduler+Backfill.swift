import AgentCore
import Foundation

extension AgentScheduler {
    /// A backfill in progress.
    struct BackfillJob: Sendable {
        let agent: AgentName
        let parameters: JSONValue
        let dates: [BusinessDate]
        let parallelism: Int
        var results: [RunExecution?]
        var next = 0
        var inFlight = 0
        /// Set when the caller was cancelled: no further date starts.
        var isStopped = false
        let continuation: CheckedContinuation<BackfillReport, Never>
    }

    /// Runs an agent once for each business date of a range, oldest first, and returns when every date is done.
    ///
    /// Each date is its own request (trigger ``RunTrigger/backfill(_:)``, its own idempotency key from agent,
    /// parameters and date), so a date that already succeeded is not run again and a repeated backfill only
    /// does what is missing. Dates go through the priority queue and the global concurrency limit like any
    /// run, are retried under the agent's retry policy, and wait for (never skip or replace) the agent's
    /// active run. With `parallelism` 1 (the default) each date starts after the previous one ended.
    ///
    /// Cancelling the calling task stops the backfill: dates not started yet (queued, or waiting for a retry)
    /// do not start and have no execution in the report, and runs in progress finish and are reported.
    /// - Parameters:
    ///   - name: The agent.
    ///   - first: The first date.
    ///   - last: The last date (inclusive).
    ///   - parameters: The parameters of every run.
    ///   - parallelism: How many dates may run at once (within the global limit).
    /// - Returns: Every date's outcome, in order.
    /// - Throws: ``SchedulerError`` for an unknown agent, a reversed range or one longer than
    ///   ``SchedulerConfiguration/maximumBackfillDates``, or a scheduler that is shutting down.
    public func backfill(
        _ name: AgentName, from first: BusinessDate, through last: BusinessDate, parameters: JSONValue = .emptyObject,
        parallelism: Int = 1
    ) async throws(SchedulerError) -> BackfillReport {
        guard registry[name] != nil else {
            throw SchedulerError(.unknownAgent, "no agent named \"\(name)\" is registered")
        }
        guard first <= last else {
            throw SchedulerError(
                .invalidBackfill, "the range \(first)…\(last) is reversed; give the earlier date first")
        }
        let count = Int(last.dayNumber - first.dayNumber) + 1
        guard count <= configuration.maximumBackfillDates else {
            throw SchedulerError(
                .invalidBackfill,
                "the range \(first)…\(last) has \(count) dates; the limit is \(configuration.maximumBackfillDates) (SchedulerConfiguration.maximumBackfillDates)"
            )
        }
        try acceptingRuns()
        let dates = (0..<count).map { first.adding(days: $0) }
        let id = nextSequence()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<BackfillReport, Never>) in
                backfills[id] = BackfillJob(
                    agent: name, parameters: parameters, dates: dates, parallelism: max(1, parallelism),
                    results: Array(repeating: nil, count: count), continuation: continuation)
                if Task.isCancelled { backfills[id]?.isStopped = true }
                submitBackfill(id)
                start(dispatch())
                publishState()
            }
        } onCancel: {
            Task { await self.stopBackfill(id) }
        }
    }

    /// Stops a backfill whose caller was cancelled: its dates that have not started are dropped (their chains
    /// end as not started, or with the attempt before for a waiting retry), and no further date is queued.
    func stopBackfill(_ id: UInt64) async {
        guard backfills[id] != nil, backfills[id]?.isStopped == false else { return }
        backfills[id]?.isStopped = true
        func belongs(_ run: PendingRun) -> Bool {
            guard let ticket = run.ticket, case .backfill(let job, _) = tickets[ticket] else { return false }
            return job == id
        }
        var dropped = queue.unordered.filter(belongs)
        queue.removeAll(where: belongs)
        for (agent, runs) in waiting where runs.contains(where: belongs) {
            dropped += runs.filter(belongs)
            let kept = runs.filter { !belongs($0) }
            waiting[agent] = kept.isEmpty ? nil : kept
        }
        let retryIDs = retries.values.filter(belongs).map(\.sequence)
        timers.removeAll { timer in
            if case .retry(let retryID) = timer.kind { return retryIDs.contains(retryID) }
            return false
        }
        for retryID in retryIDs {
            if let retry = retries.removeValue(forKey: retryID) { dropped.append(retry) }
        }
        dropped.sort()
        for run in dropped { finishChain(run, run.previous.map { .finished($0) } ?? .notStarted) }
        // A backfill with nothing in flight completes here; otherwise when its last run ends.
        submitBackfill(id)
        await pump()
    }

    /// Runs an agent once now, through the priority queue and the concurrency limit, with its retry policy.
    /// - Parameters:
    ///   - name: The agent.
    ///   - parameters: The run's input.
    ///   - businessDate: The day the work is about.
    ///   - idempotencyKey: An explicit key; derived from agent, parameters and date when `nil`.
    ///   - correlationID: Ties the run to related work (an HTTP request id, a workflow id); random when `nil`.
    /// - Returns: The last attempt's execution (``RunExecution/Disposition/duplicate`` when the key already
    ///   succeeded).
    /// - Throws: ``SchedulerError`` for an unknown agent, or when the scheduler shut down before the run started.
    public func trigger(
        _ name: AgentName, parameters: JSONValue = .emptyObject, businessDate: BusinessDate? = nil,
        idempotencyKey: IdempotencyKey? = nil, correlationID: String? = nil
    ) async throws(SchedulerError) -> RunExecution {
        guard let entry = registry[name] else {
            throw SchedulerError(.unknownAgent, "no agent named \"\(name)\" is registered")
        }
        try acceptingRuns()
        let request = AgentRunRequest(
            agent: name, trigger: .manual, parameters: parameters, correlationID: correlationID,
            businessDate: businessDate, idempotencyKey: idempotencyKey)
        let outcome = await withCheckedContinuation { (continuation: CheckedContinuation<ChainOutcome, Never>) in
            let ticket = nextSequence()
            tickets[ticket] = .manual(continuation)
            queue.insert(
                PendingRun(
                    sequence: nextSequence(), request: request, origin: .manual, priority: entry.policy.priority,
                    dueAt: clock.now, ticket: ticket))
            start(dispatch())
            publishState()
        }
        guard case .finished(let execution) = outcome else {
            throw SchedulerError(.notStarted, "the scheduler shut down before the run of \(name) started")
        }
        return execution
    }

    private func acceptingRuns() throws(SchedulerError) {
        guard lifecycle == .notStarted || lifecycle == .running else {
            throw SchedulerError(.notStarted, "the scheduler is \(currentState) and starts no more runs")
        }
    }

    /// Queues the next dates of a backfill while its parallelism allows; completes it when all are done.
    func submitBackfill(_ id: UInt64) {
        guard var job = backfills[id] else { return }
        let accepting = lifecycle == .notStarted || lifecycle == .running
        let priority = registry[job.agent]?.policy.priority ?? .normal
        while accepting, !job.isStopped, job.inFlight < job.parallelism, job.next < job.dates.count {
            let index = job.next
            job.next += 1
            job.inFlight += 1
            let ticket = nextSequence()
            tickets[ticket] = .backfill(job: id, index: index)
            let request = AgentRunRequest(
                agent: job.agent, trigger: .backfill(job.dates[index]), parameters: job.parameters)
            queue.insert(
                PendingRun(
                    sequence: nextSequence(), request: request, origin: .backfill, priority: priority, dueAt: clock.now,
                    ticket: ticket))
        }
        guard job.inFlight == 0 else {
            backfills[id] = job
            return
        }
        backfills[id] = nil
        let entries = zip(job.dates, job.results).map { BackfillReport.Entry(date: $0, execution: $1) }
        job.continuation.resume(returning: BackfillReport(agentName: job.agent, entries: entries))
    }

    /// Records one date's outcome and queues the next.
    func backfillItemEnded(job id: UInt64, index: Int, outcome: ChainOutcome) {
        guard backfills[id] != nil else { return }
        if case .finished(let execution) = outcome { backfills[id]?.results[index] = execution }
        backfills[id]?.inFlight -= 1
        submitBackfill(id)
    }
}
