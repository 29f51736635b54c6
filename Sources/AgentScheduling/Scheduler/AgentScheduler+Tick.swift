import AgentCore
import Foundation

extension AgentScheduler {
    /// One tick: loads schedule state not loaded yet, retries a failing store when due, collects every fire and
    /// retry due at `now`, starts what the limits allow and persists the result.
    ///
    /// ``run()`` calls this whenever it wakes; tests and simulations call it directly to step time by hand.
    /// - Parameter now: The current time (normally `clock.now`).
    package func runDue(now: Date) async {
        guard lifecycle != .stopped else { return }
        tickCount += 1
        if let retryAt = storeFailure?.retryAt, retryAt <= now {
            await attemptRecovery()
        }
        if storeFailure == nil, registry.values.contains(where: { !$0.isLoaded }) {
            await loadStates()
        }
        if canStartRuns {
            while let timer = timers.min, timer.deadline <= now {
                _ = timers.popMin()
                switch timer.kind {
                case .fire(let name):
                    collectFires(of: name, now: now)
                case .retry(let id):
                    if let retry = retries.removeValue(forKey: id) { queue.insert(retry) }
                }
            }
        }
        await pump()
    }

    /// Applies the fire plan of one agent whose fire timer is due.
    func collectFires(of name: AgentName, now: Date) {
        guard let entry = registry[name], entry.isScheduled, let first = entry.nextFire else { return }
        let policy = entry.policy
        let plan = FirePlan.decide(
            from: first, now: now, policy: policy.misfire, threshold: configuration.misfireThreshold,
            recordLimit: configuration.maximumMissedFireRecords, next: entry.schedule.next(after:))
        entry.nextFire = plan.next
        if let lastDue = plan.lastDue { entry.state.lastFireAt = lastDue }
        entry.heldFires.append(contentsOf: plan.run)
        entry.heldFires.append(contentsOf: plan.skipped)
        let batch = plan.run.count > 1 ? nextSequence() : 0
        for fire in plan.run {
            queue.insert(scheduledRun(of: name, fire: fire, priority: policy.priority, batch: batch))
        }
        for fire in plan.skipped {
            skips.append(
                SkipWrite(
                    run: scheduledRun(of: name, fire: fire, priority: policy.priority), at: now,
                    reason:
                        "missed: the fire at \(Timestamp.format(fire)) was not handled in time; misfire policy \(policy.misfire)"
                ))
        }
        dirty.insert(name)
        if let next = plan.next { insertTimer(.fire(name), at: next) }
        if plan.missedCount > 0 { announceMissed(plan, of: name, policy: policy.misfire, now: now) }
    }

    /// Emits the ``RunEvent/Kind/scheduleMissed`` event of a plan with missed fires.
    private func announceMissed(_ plan: FirePlan, of name: AgentName, policy: MisfirePolicy, now: Date) {
        let caughtUp = plan.missedCount - plan.skippedCount
        let details = MissedFiresDetails(
            missed: plan.missedCount, caughtUp: caughtUp, skipped: plan.skippedCount, recorded: plan.skipped.count,
            misfirePolicy: policy.name, firstMissed: plan.firstMissed, lastMissed: plan.lastMissed)
        events.emit(
            RunEvent(
                kind: .scheduleMissed, timestamp: now, agentName: name,
                message: "\(plan.missedCount) fire(s) missed; \(caughtUp) caught up under misfire policy \(policy)",
                details: .missedFires(details)))
    }

    /// The pending run of one fire. Its correlation id is the fire's idempotency key, so every scheduler sharing a
    /// store gives a fire the same one, and its retries keep it.
    func scheduledRun(of name: AgentName, fire: Date, priority: RunPriority, batch: UInt64 = 0) -> PendingRun {
        var request = AgentRunRequest(agent: name, trigger: .scheduled(at: fire), correlationID: "")
        request.correlationID = request.idempotencyKey.rawValue
        return PendingRun(
            sequence: nextSequence(), request: request, origin: .scheduled(fire: fire), priority: priority,
            dueAt: fire, batch: batch)
    }

    /// Loads the persisted state of every agent not loaded yet and arms its fire timer.
    func loadStates() async {
        let names = registry.filter { !$0.value.isLoaded }.map(\.key)
        guard !names.isEmpty else { return }
        var loaded: [AgentName: ScheduleState] = [:]
        do {
            if names.count > 16 {
                for state in try await store.allScheduleStates() { loaded[state.agentName] = state }
            } else {
                for name in names {
                    if let state = try await store.scheduleState(for: name) { loaded[name] = state }
                }
            }
        } catch {
            enterStoreFailure(error)
            return
        }
        for name in names {
            guard let entry = registry[name], !entry.isLoaded else { continue }
            entry.isLoaded = true
            if let state = loaded[name] {
                entry.state.isPaused = state.isPaused
                entry.state.pausedReason = state.pausedReason
                entry.state.consecutiveFailures = state.consecutiveFailures
                entry.state.lastFireAt = state.lastFireAt
                entry.saved = state
                adoptScheduleOverride(state.scheduleOverride, for: entry)
            }
            entry.nextFire = Self.firstFire(of: entry, persisted: loaded[name])
            dirty.insert(name)
            if entry.isScheduled, let next = entry.nextFire { insertTimer(.fire(name), at: next) }
        }
    }

    /// Where an agent's schedule resumes: at the persisted next fire, so fires missed while nothing ran are
    /// found and go through the misfire policy; without one (a new or disabled agent), after its registration.
    static func firstFire(of entry: SchedulerAgent, persisted: ScheduleState?) -> Date? {
        guard entry.isEnabled else { return nil }
        if let next = persisted?.nextFireAt {
            // The persisted time itself when it is still a fire of the (possibly changed) schedule.
            return entry.schedule.next(after: next.addingTimeInterval(-0.001))
        }
        return entry.schedule.next(after: entry.registeredAt)
    }
}
