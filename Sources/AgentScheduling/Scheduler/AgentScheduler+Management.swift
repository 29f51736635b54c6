import AgentCore
import Foundation

extension AgentScheduler {
    /// Checks a schedule and lists its next fire times.
    /// - Parameters:
    ///   - schedule: The schedule to check.
    ///   - date: The instant to list fires after.
    ///   - count: How many fire times to list (default 5).
    /// - Returns: The schedule's description and its next fire times.
    /// - Throws: ``SchedulerError`` with ``SchedulerError/Code/invalidSchedule`` naming the problem (for a cron
    ///   expression: the field, the position and the reason), also for a schedule that never fires after `date`.
    public nonisolated static func validate(
        _ schedule: ScheduleConfiguration, from date: Date, count: Int = 5
    ) throws(SchedulerError) -> ScheduleValidation {
        let resolved = try resolve(schedule, of: nil)
        guard !resolved.isManualOnly else {
            return ScheduleValidation(description: resolved.description, upcoming: [])
        }
        var upcoming: [Date] = []
        var cursor = date
        while upcoming.count < max(1, count), let next = resolved.next(after: cursor) {
            upcoming.append(next)
            cursor = next
        }
        guard !upcoming.isEmpty else {
            throw SchedulerError(.invalidSchedule, "\(schedule) never fires after \(Timestamp.format(date))")
        }
        return ScheduleValidation(description: resolved.description, upcoming: Array(upcoming.prefix(count)))
    }

    /// Registers an agent at run time; its persisted state (pause, failure streak, next fire) is loaded.
    /// - Parameter agent: The agent.
    /// - Throws: ``SchedulerError`` when the name is taken or the schedule is invalid.
    public func add(_ agent: some AgentDefinition) async throws(SchedulerError) {
        guard registry[agent.name] == nil else {
            throw SchedulerError(.duplicateAgent, "an agent named \"\(agent.name)\" is already registered")
        }
        registry[agent.name] = try Self.entry(for: agent, at: clock.now)
        removedStates.remove(agent.name)
        if storeFailure == nil { await loadStates() }
        await pump()
    }

    /// Replaces an agent's definition at run time. A changed schedule takes effect from now; a changed enabled
    /// flag enables or disables the agent.
    /// - Parameter agent: The new definition, with the name of a registered agent.
    /// - Throws: ``SchedulerError`` when no agent has that name or the schedule is invalid.
    public func update(_ agent: some AgentDefinition) async throws(SchedulerError) {
        guard let entry = registry[agent.name] else { throw unknown(agent.name) }
        let replacement = try Self.entry(for: agent, at: clock.now)
        // A schedule set at run time stays in force over the new definition's schedule until it is cleared.
        let overridden = entry.state.scheduleOverride != nil
        let scheduleChanged =
            (!overridden && entry.definition.schedule != agent.schedule) || entry.isEnabled != agent.isEnabled
        entry.definition = agent
        entry.policy = replacement.policy
        if !overridden { entry.schedule = replacement.schedule }
        entry.isEnabled = replacement.isEnabled
        if scheduleChanged { reschedule(entry) }
        dirty.insert(agent.name)
        await pump()
    }

    /// Unregisters an agent: its timer, queued runs and waiting retries are dropped (retries are recorded
    /// `skipped`) and its persisted state is deleted. A run in progress finishes normally.
    /// - Parameter name: The agent.
    /// - Throws: ``SchedulerError`` when no agent has that name.
    public func remove(_ name: AgentName) async throws(SchedulerError) {
        guard registry.removeValue(forKey: name) != nil else { throw unknown(name) }
        if activeByAgent[name]?.isEmpty == true { activeByAgent[name] = nil }
        removeFireTimer(of: name)
        var dropped = queue.unordered.filter { $0.agentName == name } + (waiting.removeValue(forKey: name) ?? [])
        queue.removeAll { $0.agentName == name }
        let retryIDs = retries.values.filter { $0.agentName == name }.map(\.sequence)
        timers.removeAll { timer in
            if case .retry(let id) = timer.kind { return retryIDs.contains(id) }
            return false
        }
        for id in retryIDs {
            if let retry = retries.removeValue(forKey: id) {
                skip(retry, reason: "the agent was removed before attempt \(retry.request.attempt)")
            }
        }
        dropped.sort()
        for run in dropped { finishChain(run, .notStarted) }
        removedStates.insert(name)
        dirty.insert(name)
        await pump()
    }

    /// Lets an agent run on its schedule again, from now on (fires while it was disabled are not caught up).
    /// - Parameter name: The agent.
    /// - Throws: ``SchedulerError`` when no agent has that name.
    public func enable(_ name: AgentName) async throws(SchedulerError) {
        try await setEnabled(name, true)
    }

    /// Stops an agent's schedule (manual runs and backfills still work); queued fires are recorded `skipped`.
    /// - Parameter name: The agent.
    /// - Throws: ``SchedulerError`` when no agent has that name.
    public func disable(_ name: AgentName) async throws(SchedulerError) {
        try await setEnabled(name, false)
    }

    private func setEnabled(_ name: AgentName, _ enabled: Bool) async throws(SchedulerError) {
        guard let entry = registry[name] else { throw unknown(name) }
        guard entry.isEnabled != enabled else { return }
        entry.isEnabled = enabled
        reschedule(entry)
        dirty.insert(name)
        await pump()
    }

    /// Pauses an agent until ``resume(_:)``: no fire of it starts, and the pause survives restarts. Fires that
    /// pass while it is paused go through its misfire policy when it is resumed.
    /// - Parameters:
    ///   - name: The agent.
    ///   - reason: Why (shown in health reports).
    /// - Throws: ``SchedulerError`` when no agent has that name.
    public func pause(_ name: AgentName, reason: String = "paused by hand") async throws(SchedulerError) {
        guard let entry = registry[name] else { throw unknown(name) }
        guard !entry.state.isPaused else { return }
        pauseEntry(entry, reason: reason, automatic: false)
        await pump()
    }

    /// Resumes a paused agent (also one paused automatically) and resets its failure streak; fires missed
    /// while it was paused go through its misfire policy.
    /// - Parameter name: The agent.
    /// - Throws: ``SchedulerError`` when no agent has that name.
    public func resume(_ name: AgentName) async throws(SchedulerError) {
        guard let entry = registry[name] else { throw unknown(name) }
        guard entry.state.isPaused else { return }
        entry.state.isPaused = false
        entry.state.pausedReason = nil
        entry.state.consecutiveFailures = 0
        if entry.isScheduled {
            if entry.nextFire == nil { entry.nextFire = entry.schedule.next(after: clock.now) }
            if let next = entry.nextFire { insertTimer(.fire(name), at: next) }
        }
        dirty.insert(name)
        events.emit(
            RunEvent(
                kind: .agentResumed, timestamp: clock.now, agentName: name, message: "resumed",
                details: .pause(PauseDetails(automatic: false, consecutiveFailures: 0))))
        await pump()
    }

    /// Applies an agent's schedule state that another process wrote to the store (a pause or resume from
    /// `agentctl`, the HTTP API or another runner), without writing it back.
    ///
    /// A state for an unknown agent, or one older than what this scheduler last saw, is ignored.
    /// - Parameter stored: The state as stored.
    public func applyStoredState(_ stored: ScheduleState) async {
        guard let entry = registry[stored.agentName], entry.isLoaded else { return }
        if let saved = entry.saved, saved.version > stored.version { return }
        let name = stored.agentName
        var saved = entry.saved ?? entry.persistentState
        saved.isPaused = stored.isPaused
        saved.pausedReason = stored.pausedReason
        saved.scheduleOverride = stored.scheduleOverride
        saved.version = stored.version
        entry.saved = saved
        let rescheduled = adoptScheduleOverride(stored.scheduleOverride, for: entry)
        if rescheduled {
            reschedule(entry)
            dirty.insert(name)
        }
        guard entry.state.isPaused != stored.isPaused || entry.state.pausedReason != stored.pausedReason else {
            if rescheduled { await pump() }
            return
        }
        if stored.isPaused {
            let wasPaused = entry.state.isPaused
            entry.state.isPaused = true
            entry.state.pausedReason = stored.pausedReason
            removeFireTimer(of: name)
            if !wasPaused {
                events.emit(
                    RunEvent(
                        kind: .agentPaused, timestamp: clock.now, agentName: name,
                        message: stored.pausedReason ?? "paused",
                        details: .pause(
                            PauseDetails(
                                automatic: false, consecutiveFailures: stored.consecutiveFailures, origin: .store))))
            }
        } else {
            entry.state.isPaused = false
            entry.state.pausedReason = nil
            entry.state.consecutiveFailures = stored.consecutiveFailures
            if entry.isScheduled {
                if entry.nextFire == nil { entry.nextFire = entry.schedule.next(after: clock.now) }
                if let next = entry.nextFire { insertTimer(.fire(name), at: next) }
            }
            events.emit(
                RunEvent(
                    kind: .agentResumed, timestamp: clock.now, agentName: name, message: "resumed",
                    details: .pause(
                        PauseDetails(automatic: false, consecutiveFailures: stored.consecutiveFailures, origin: .store))
                ))
        }
        await pump()
    }

    /// Pauses the whole scheduler: no run starts until ``resume()``; running runs continue. Fires that pass
    /// meanwhile go through each agent's misfire policy on resume.
    public func pause() async {
        guard !isPaused else { return }
        isPaused = true
        await pump()
    }

    /// Resumes the whole scheduler.
    public func resume() async {
        guard isPaused else { return }
        isPaused = false
        wakeDriveLoop()
        await pump()
    }

    /// Every registered agent with its schedule, state and next fire, ordered by name.
    /// - Returns: The agents.
    public func agents() -> [ScheduledAgent] {
        registry.values.sorted { $0.definition.name < $1.definition.name }.map { entry in
            ScheduledAgent(
                name: entry.definition.name, schedule: entry.state.scheduleOverride ?? entry.definition.schedule,
                configuredSchedule: entry.definition.schedule,
                isScheduleOverridden: entry.state.scheduleOverride != nil,
                scheduleDescription: entry.schedule.description,
                isEnabled: entry.isEnabled,
                isPaused: entry.state.isPaused, pausedReason: entry.state.pausedReason,
                nextFireAt: entry.isScheduled ? entry.nextFire : nil, lastFireAt: entry.state.lastFireAt,
                consecutiveFailures: entry.state.consecutiveFailures, priority: entry.policy.priority,
                overlap: entry.policy.overlap, misfire: entry.policy.misfire)
        }
    }

    /// The scheduler's state.
    public var state: SchedulerState { currentState }

    /// Takes over a schedule override read from the store: the agent then fires on the override, or on its
    /// configured schedule again when the override is cleared. An override that does not resolve (written by a
    /// newer version, say) is ignored and the configured schedule stays in force.
    /// - Returns: Whether the schedule in force changed (the caller restarts the agent's fires).
    @discardableResult
    func adoptScheduleOverride(_ override: ScheduleConfiguration?, for entry: SchedulerAgent) -> Bool {
        guard entry.state.scheduleOverride != override else { return false }
        guard let schedule = try? Self.resolve(override ?? entry.definition.schedule, of: entry.definition.name)
        else { return false }
        entry.state.scheduleOverride = override
        entry.schedule = schedule
        return true
    }

    /// Restarts an agent's fires from now after its schedule or enabled flag changed.
    private func reschedule(_ entry: SchedulerAgent) {
        let name = entry.definition.name
        removeFireTimer(of: name)
        entry.nextFire = entry.isEnabled ? entry.schedule.next(after: clock.now) : nil
        if entry.isScheduled, let next = entry.nextFire { insertTimer(.fire(name), at: next) }
    }

    private func unknown(_ name: AgentName) -> SchedulerError {
        SchedulerError(.unknownAgent, "no agent named \"\(name)\" is registered")
    }
}
