import AgentCore
import Foundation

extension AgentRunner {
    /// Follows the store's change feed until cancelled: applies schedule states other processes wrote, carries out
    /// control requests, and announces runs that ended abandoned. Requests run in child tasks, so a long run never
    /// holds up the feed.
    func followChanges() async {
        await withDiscardingTaskGroup { group in
            var cursor: ChangeCursor?
            var failures = 0
            var awaiting = CancelsAwaitingEnd()
            while !Task.isCancelled {
                do {
                    guard let current = cursor else {
                        // The cursor is taken before the state is read, so nothing written in between is missed.
                        let start = try await store.latestChangeCursor()
                        try await resynchronize(in: &group, awaiting: &awaiting)
                        cursor = start
                        continue
                    }
                    let page = try await store.changes(after: current, limit: 256)
                    if page.missedChanges { try await resynchronize(in: &group, awaiting: &awaiting) }
                    for change in page.changes { await handle(change, in: &group, awaiting: &awaiting) }
                    guard !awaiting.needsResynchronization else {
                        // The store did not answer while a request was settled: everything is read again, after a
                        // pause as after any failure.
                        cursor = nil
                        failures += 1
                        await backOff(after: failures)
                        continue
                    }
                    cursor = page.cursor
                    failures = 0
                    if page.changes.isEmpty { try await store.waitForChanges(after: page.cursor) }
                } catch is CancellationError {
                    break
                } catch {
                    // The scheduler reports store outages; the feed backs off and tries again.
                    failures += 1
                    await backOff(after: failures)
                }
            }
        }
    }

    /// Waits before the feed tries again: 0.5 s after the first failure in a row, doubling up to 30 s.
    private func backOff(after failures: Int) async {
        let delay = min(30.0, 0.25 * Double(1 << min(failures, 7)))
        try? await clock.sleep(until: clock.now.addingTimeInterval(delay))
    }

    /// Re-reads what the feed would have told: every schedule state, the pending requests and the abandoned runs
    /// nobody announced yet.
    private func resynchronize(
        in group: inout DiscardingTaskGroup, awaiting: inout CancelsAwaitingEnd
    ) async throws {
        for state in try await store.allScheduleStates() { await scheduler.applyStoredState(state) }
        let pending = try await store.requests(in: [.pending], limit: 1_000)
        awaiting.removeAll()
        for request in pending { await handle(request, in: &group, awaiting: &awaiting) }
        let since = clock.now.addingTimeInterval(-options.abandonedLookback.timeInterval)
        var query = RunQuery(statuses: [.abandoned], queuedSince: since, limit: RunQuery.maximumLimit)
        repeat {
            let page = try await store.queryRuns(query)
            for record in page.records where record.notifiedAt == nil { await announceAbandoned(record.id) }
            query.cursor = page.nextCursor
        } while query.cursor != nil
    }

    private func handle(
        _ change: StoreChange, in group: inout DiscardingTaskGroup, awaiting: inout CancelsAwaitingEnd
    ) async {
        switch change.kind {
        case .scheduleState(let state):
            await scheduler.applyStoredState(state)
        case .request(let request) where request.state == .pending:
            await handle(request, in: &group, awaiting: &awaiting)
        case .request(let request):
            awaiting.forget(request.id)
        case .runEnded(let id, _, let status):
            if status == .abandoned { await announceAbandoned(id) }
            // The cancel requests of a run this runner does not execute are completed when its end shows up.
            for requestID in awaiting.take(for: id) {
                let request: ControlRequest?
                do {
                    request = try await store.request(id: requestID)
                } catch {
                    awaiting.needsResynchronization = true
                    continue
                }
                guard let request, request.state == .pending else { continue }
                await handle(request, in: &group, awaiting: &awaiting)
            }
        default:
            break
        }
    }

    /// Announces an abandoned run once across every runner of the store: the one whose ``RunStore/markRunNotified(id:)``
    /// wins emits ``RunEvent/Kind/runAbandoned`` (which the notifier posts).
    private func announceAbandoned(_ id: RunID) async {
        guard let record = try? await store.markRunNotified(id: id), record.status == .abandoned else { return }
        events.emit(RunEvent.ended(record, kind: .runAbandoned, at: clock.now, message: record.errorMessage))
    }

    /// Takes a pending request this runner can carry out and starts it in a child task; completes a cancel request
    /// of a run that has ended (or does not exist), and remembers one of a run that executes elsewhere until its end.
    private func handle(
        _ request: ControlRequest, in group: inout DiscardingTaskGroup, awaiting: inout CancelsAwaitingEnd
    ) async {
        switch request.action {
        case .run(let runRequest):
            guard await scheduler.agents().contains(where: { $0.name == runRequest.agentName }) else { return }
            guard let taken = try? await store.takeRequest(id: request.id, owner: id) else { return }
            group.addTask { await self.carryOut(run: runRequest, for: taken) }
        case .cancel(let runID, let reason):
            if orchestrator.isExecuting(runID) {
                guard let taken = try? await store.takeRequest(id: request.id, owner: id) else { return }
                orchestrator.cancelRun(runID, reason: reason ?? "cancelled by \(request.requestedBy)")
                group.addTask { await self.finishCancel(of: runID, for: taken) }
            } else {
                // A run executing on another runner is that runner's to cancel; one whose owner died ends abandoned.
                // Either way the request is completed when the run's end shows up in the feed. When the store cannot
                // say how the run stands, the pending requests are read again (its end may have passed already).
                let stored: RunRecord?
                do {
                    stored = try await store.run(id: runID)
                } catch {
                    awaiting.needsResynchronization = true
                    return
                }
                if let record = stored, record.status.isTerminal {
                    _ = try? await store.completeRequest(
                        id: request.id, owner: id, runID: runID, runStatus: record.status,
                        outcome: "run \(runID) had already ended as \(record.status)")
                } else if stored == nil {
                    _ = try? await store.completeRequest(
                        id: request.id, owner: id, runID: runID, runStatus: nil, outcome: "no run with id \(runID)")
                } else {
                    awaiting.remember(request.id, of: runID)
                }
            }
        }
    }

    /// Runs a requested run through the scheduler and completes the request with its outcome.
    private func carryOut(run request: AgentRunRequest, for taken: ControlRequest) async {
        let outcome: (RunID?, RunStatus?, String)
        do {
            let execution = try await scheduler.trigger(
                request.agentName, parameters: request.parameters, businessDate: request.businessDate,
                idempotencyKey: request.idempotencyKey)
            let record = execution.record
            switch execution.disposition {
            case .executed:
                outcome = (record.id, record.status, "run \(record.id) of \(record.agentName) ended \(record.status)")
            case .duplicate:
                outcome = (
                    record.id, record.status, "the same key already ended as \(record.status) in run \(record.id)"
                )
            case .inProgress:
                outcome = (record.id, record.status, "the same key is in progress as run \(record.id)")
            }
        } catch {
            outcome = (nil, nil, "not run: \(error)")
        }
        _ = try? await store.completeRequest(
            id: taken.id, owner: id, runID: outcome.0, runStatus: outcome.1, outcome: outcome.2)
    }

    /// Waits for a cancelled run's terminal record and completes the request.
    private func finishCancel(of runID: RunID, for taken: ControlRequest) async {
        let record = try? await control.waitForEnd(of: runID, timeout: .seconds(300))
        let status = record?.status
        let outcome =
            status.map { "run \(runID) ended \($0)" } ?? "run \(runID) was cancelled but its end was not recorded yet"
        _ = try? await store.completeRequest(
            id: taken.id, owner: id, runID: runID, runStatus: status, outcome: outcome)
    }

    /// Writes this runner's presence every heartbeat interval until cancelled.
    func keepPresence() async {
        let presence = RunnerPresence(
            id: id, host: ProcessInfo.processInfo.hostName, processID: ProcessInfo.processInfo.processIdentifier,
            agents: await scheduler.agents().map(\.name), role: options.role)
        while !Task.isCancelled {
            _ = try? await store.heartbeat(presence, timeToLive: options.presenceTimeToLive)
            do {
                try await clock.sleep(until: clock.now.addingTimeInterval(options.heartbeatInterval.timeInterval))
            } catch {
                return
            }
        }
    }

    /// Marks runs whose owner died as abandoned every sweep interval until cancelled, and announces them at once
    /// (the change feed would too, a moment later, here or on another runner: whichever marks a run notified
    /// first announces it, so each is announced once).
    func sweepAbandonedRuns() async {
        while !Task.isCancelled {
            let abandoned = (try? await store.abandonExpiredRuns()) ?? []
            for record in abandoned where record.notifiedAt == nil { await announceAbandoned(record.id) }
            do {
                try await clock.sleep(
                    until: clock.now.addingTimeInterval(options.abandonmentSweepInterval.timeInterval))
            } catch {
                return
            }
        }
    }
}
