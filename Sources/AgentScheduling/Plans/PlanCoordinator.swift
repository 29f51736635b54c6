import AgentCore
import Foundation

/// Runs plans inside a runner: starts plan runs on their schedules, hands ready tasks to the runner's scheduler (so
/// the global concurrency limit, priorities, overlap rules and retries apply), settles tasks from their runs,
/// records approval requests and notifies them once, and continues plan runs that another runner left behind.
///
/// Everything is in the store: a plan run is a ``AgentCore/PlanRun`` changed only by compare-and-set, so any number
/// of runners on one store cooperate: each plan run exists once per business date, each task is handed to exactly
/// one scheduler, and a task whose runner is no longer alive (its presence expired) is taken over by another. A task
/// runs under the idempotency key `plan:<plan run>:<task>:<attempt>`, so a takeover never runs a succeeded task
/// again.
///
/// ``AgentRunner`` starts one when its store is a ``AgentCore/WorkflowStore``; ``run()`` is its long-running part.
public actor PlanCoordinator {
    /// The plans, by name.
    public nonisolated let definitions: [String: PlanDefinition]
    /// The store.
    public nonisolated let store: any WorkflowStore
    /// The approval rules per agent (agents not listed use ``ApprovalPolicy/default``).
    public nonisolated let approvalPolicies: [AgentName: ApprovalPolicy]
    /// How often the coordinator looks for work nobody announced (dead runners' tasks, overdue approvals).
    public nonisolated let sweepInterval: Duration
    let scheduler: AgentScheduler
    let clock: any AgentClock
    let events: EventBroadcaster
    let owner: String
    let desk: ApprovalDesk
    private let work: AsyncStream<Work>
    private let workSink: AsyncStream<Work>.Continuation
    /// Tasks handed to this runner's scheduler and not settled yet.
    private var inFlight: Set<TaskKey> = []

    /// Something to do in a child task of ``run()``.
    enum Work: Sendable {
        /// Hand a task to the scheduler.
        case dispatch(planRunID: String, taskID: String, attempt: Int)
        /// Record (and notify) the approval request of a run that ended awaiting approval.
        case approval(RunID)
    }

    /// A task of a plan run.
    struct TaskKey: Hashable, Sendable {
        let planRunID: String
        let taskID: String
    }

    /// Creates a coordinator.
    /// - Parameters:
    ///   - plans: The plans (their agents must be the scheduler's).
    ///   - store: The store.
    ///   - scheduler: The runner's scheduler.
    ///   - clock: The clock.
    ///   - events: Where events are published.
    ///   - approvalPolicies: Approval rules per agent.
    ///   - sweepInterval: How often to look for orphaned tasks and overdue approvals (default 10 s).
    /// - Throws: ``PlanError`` for two plans with one name.
    public init(
        plans: [PlanDefinition], store: any WorkflowStore, scheduler: AgentScheduler, clock: any AgentClock,
        events: EventBroadcaster, approvalPolicies: [AgentName: ApprovalPolicy] = [:],
        sweepInterval: Duration = .seconds(10)
    ) throws(PlanError) {
        var definitions: [String: PlanDefinition] = [:]
        for plan in plans {
            guard definitions.updateValue(plan, forKey: plan.name) == nil else {
                throw PlanError(.duplicateTask, "two plans are named \(plan.name); rename one")
            }
        }
        self.definitions = definitions
        self.store = store
        self.scheduler = scheduler
        self.clock = clock
        self.events = events
        self.owner = scheduler.orchestrator.owner
        self.approvalPolicies = approvalPolicies
        self.sweepInterval = sweepInterval
        self.desk = ApprovalDesk(store: store)
        let (work, sink) = AsyncStream.makeStream(of: Work.self)
        (self.work, self.workSink) = (work, sink)
        events.addSink { event in
            if event.kind == .runAwaitingApproval, let runID = event.runID { sink.yield(.approval(runID)) }
        }
    }

    /// Follows the store and the plans' schedules until cancelled. Runs that end awaiting approval are seen on
    /// the events (from creation on) and at every sweep.
    public func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.followChanges() }
            group.addTask { await self.fireSchedules() }
            group.addTask { await self.sweep() }
            for await item in work {
                switch item {
                case .dispatch(let planRunID, let taskID, let attempt):
                    group.addTask { await self.dispatch(planRunID: planRunID, taskID: taskID, attempt: attempt) }
                case .approval(let runID):
                    group.addTask {
                        guard let record = try? await self.store.run(id: runID), record.status == .awaitingApproval
                        else { return }
                        await self.requestApproval(for: record)
                    }
                }
            }
            group.cancelAll()
        }
    }

    // MARK: Starting plan runs

    /// Starts a plan's run for a business date, or returns the existing one (also one another process started).
    /// - Parameters:
    ///   - plan: The plan's name.
    ///   - businessDate: The date (default: today in the plan's time zone).
    ///   - requestedBy: Who starts it.
    /// - Returns: The stored run and whether this call created it.
    /// - Throws: ``PlanError`` with ``PlanError/Code/unknownPlan``; ``AgentCore/StoreError``.
    @discardableResult
    public func start(plan: String, businessDate: BusinessDate? = nil, requestedBy: String? = nil) async throws
        -> (run: PlanRun, created: Bool)
    {
        guard let definition = definitions[plan] else {
            throw PlanError(
                .unknownPlan, "no plan named \(plan); plans: \(definitions.keys.sorted().joined(separator: ", "))")
        }
        let date = businessDate ?? definition.businessDate(at: clock.now)
        let result = try await store.createPlanRun(definition.newRun(for: date, requestedBy: requestedBy ?? owner))
        await advance(result.run.id)
        return (try await store.planRun(id: result.run.id) ?? result.run, result.created)
    }

    /// Sleeps until each plan's next fire on the clock and starts its run for the fire's business date.
    private func fireSchedules() async {
        var schedules: [(PlanDefinition, Schedule)] = []
        for definition in definitions.values.sorted(by: { $0.name < $1.name }) {
            guard let schedule = try? Schedule(definition.schedule), !schedule.isManualOnly else { continue }
            schedules.append((definition, schedule))
        }
        guard !schedules.isEmpty else { return }
        var after = clock.now
        while !Task.isCancelled {
            let due = schedules.compactMap { plan, schedule in schedule.next(after: after).map { (plan, $0) } }
            guard let next = due.map(\.1).min() else { return }
            do { try await clock.sleep(until: next) } catch { return }
            for (plan, fire) in due where fire == next {
                _ = try? await start(plan: plan.name, businessDate: plan.businessDate(at: fire), requestedBy: owner)
            }
            after = next
        }
    }

    // MARK: Following the store

    private func followChanges() async {
        await ChangeFollower(store: store, clock: clock).run(
            reconcile: { await self.reconcile() }, handle: { await self.handle($0) })
    }

    private func handle(_ change: StoreChange) async {
        switch change.kind {
        case .planRun(let run) where !run.status.isTerminal && definitions[run.plan] != nil:
            await advance(run.id)
        case .runEnded(let id, _, _):
            await settleRun(id)
        case .approval(let request):
            await handle(request)
        default:
            break
        }
    }

    /// A decided request ends its run (whoever sees it first) and is published as an event (each decision is one
    /// change of the feed, so each runner publishes it once); a pending one not yet notified is notified.
    private func handle(_ request: ApprovalRequest) async {
        if request.state.isDecided {
            _ = try? await desk.apply(request)
            guard let decision = request.decision else { return }
            let kind: RunEvent.Kind = request.state == .expired ? .approvalExpired : .approvalDecided
            let comment = decision.comment.map { ": \($0)" } ?? ""
            events.emit(
                RunEvent(
                    kind: kind, timestamp: clock.now, agentName: request.agentName, runID: request.runID,
                    status: request.resultingRunStatus,
                    message: "\(request.taskName) \(request.state.rawValue) by \(decision.decidedBy)\(comment)"))
        } else if request.notifiedAt == nil {
            await notify(request.runID)
        }
    }

    /// Periodically: expire overdue approvals, continue plan runs whose runners died, record missing requests.
    private func sweep() async {
        while !Task.isCancelled {
            do { try await clock.sleep(until: clock.now.addingTimeInterval(sweepInterval.timeInterval)) } catch {
                return
            }
            _ = try? await desk.expireOverdue()
            await reconcile()
        }
    }

    /// Re-reads what the feed would have told: every unsettled plan run of these plans, and runs awaiting approval
    /// without a request.
    func reconcile() async {
        if let runs = try? await store.planRuns(plan: nil, statuses: [.running, .awaitingApproval], limit: 10_000) {
            for run in runs where definitions[run.plan] != nil { await takeOver(run) }
        }
        let waiting = try? await store.queryRuns(RunQuery(statuses: [.awaitingApproval], limit: RunQuery.maximumLimit))
        for record in waiting?.records ?? [] where (try? await store.approval(runID: record.id)) == nil {
            await requestApproval(for: record)
        }
        for request in (try? await store.approvals(in: [.pending], limit: 10_000)) ?? [] where request.notifiedAt == nil
        {
            await notify(request.runID)
        }
    }

    // MARK: Advancing a plan run

    /// Applies the plan's decision to a run (skips, status) and hands the ready tasks to the scheduler, in one
    /// compare-and-set; on a conflict it reads again and decides again.
    func advance(_ id: String) async {
        for _ in 0..<50 {
            guard let stored = try? await store.planRun(id: id), let definition = definitions[stored.plan],
                !stored.status.isTerminal
            else { return }
            let now = clock.now
            let decision = PlanDecision(definition: definition, run: stored, now: now)
            var run = decision.run
            for taskID in decision.ready {
                guard var task = run[task: taskID] else { continue }
                task.status = .running
                task.dispatchedBy = owner
                task.startedAt = now
                task.runID = nil
                task.attempt = run.attempt
                run[task: taskID] = task
            }
            if !decision.ready.isEmpty {
                run.status = run.derivedStatus
                run.endedAt = nil
            }
            guard run != stored else { return }
            do {
                let written = try await store.replacePlanRun(run, expectedVersion: stored.version)
                for taskID in decision.ready {
                    workSink.yield(.dispatch(planRunID: id, taskID: taskID, attempt: written.attempt))
                }
                if written.status.isTerminal, !stored.status.isTerminal {
                    events.emit(
                        RunEvent(
                            kind: .planRunEnded, timestamp: clock.now, message: "plan run \(id) \(written.status)"))
                }
                return
            } catch let error as StoreError where error.code == .versionConflict {
                continue
            } catch {
                return
            }
        }
    }

    /// The idempotency key of a task's run in a plan attempt.
    static func key(planRunID: String, taskID: String, attempt: Int) -> IdempotencyKey? {
        try? IdempotencyKey("plan:\(planRunID):\(taskID):\(attempt)")
    }

    /// Hands a task to the scheduler and settles it with the run's outcome (after its retries).
    private func dispatch(planRunID: String, taskID: String, attempt: Int) async {
        let key = TaskKey(planRunID: planRunID, taskID: taskID)
        guard inFlight.insert(key).inserted else { return }
        defer { inFlight.remove(key) }
        guard let run = try? await store.planRun(id: planRunID), let definition = definitions[run.plan],
            let spec = definition[task: taskID],
            let idempotencyKey = Self.key(planRunID: planRunID, taskID: taskID, attempt: attempt)
        else { return }
        do {
            let execution = try await scheduler.trigger(
                spec.agent, parameters: spec.parameters, businessDate: run.businessDate,
                idempotencyKey: idempotencyKey)
            await settle(planRunID: planRunID, taskID: taskID, attempt: attempt, record: execution.record)
        } catch {
            // The scheduler is shutting down: the task stays with this runner until its presence expires, then
            // another runner takes it over.
        }
    }

    /// Writes a run's outcome into its task (compare-and-set), then advances the plan run.
    func settle(planRunID: String, taskID: String, attempt: Int, record: RunRecord) async {
        for _ in 0..<50 {
            guard let stored = try? await store.planRun(id: planRunID), var task = stored[task: taskID],
                task.status == .running || task.status == .awaitingApproval, task.attempt == attempt
            else { break }
            var run = stored
            if record.status == .abandoned {
                // Its runner died mid-run: hand the task back (the next claim of its key runs it again).
                task.dispatchedBy = nil
                task.runID = record.id
            } else {
                task.status = PlanTaskStatus(run: record.status)
                task.runID = record.id
                if task.status.isTerminal {
                    task.endedAt = record.endedAt ?? clock.now
                    task.dispatchedBy = nil
                }
            }
            if !task.runIDs.contains(record.id) { task.runIDs.append(record.id) }
            run[task: taskID] = task
            run.status = run.derivedStatus
            guard run != stored else { break }
            do {
                _ = try await store.replacePlanRun(run, expectedVersion: stored.version)
                break
            } catch let error as StoreError where error.code == .versionConflict {
                continue
            } catch {
                return
            }
        }
        if record.status == .awaitingApproval {
            await requestApproval(for: record, planRunID: planRunID, taskID: taskID)
        }
        await advance(planRunID)
    }

    /// A run that ended (a decision, an expiry, another runner's run): settle the plan task it executes, if any.
    private func settleRun(_ id: RunID) async {
        guard let runs = try? await store.planRuns(plan: nil, statuses: [.running, .awaitingApproval], limit: 10_000)
        else { return }
        for run in runs where definitions[run.plan] != nil {
            for task in run.tasks where task.runID == id && !task.status.isTerminal {
                // A task running here is settled by its dispatch, after its retries.
                if task.status == .running, inFlight.contains(TaskKey(planRunID: run.id, taskID: task.id)) { continue }
                guard let record = try? await store.run(id: id), record.status.isTerminal else { continue }
                await settle(planRunID: run.id, taskID: task.id, attempt: task.attempt, record: record)
            }
        }
    }

    /// Continues a plan run: settles tasks whose runs ended without anyone settling them, takes over tasks whose
    /// runner is gone (its presence expired), then advances.
    private func takeOver(_ run: PlanRun) async {
        let live = Set(((try? await store.livePresences()) ?? []).map(\.id))
        for task in run.tasks where task.status == .running || task.status == .awaitingApproval {
            let key = TaskKey(planRunID: run.id, taskID: task.id)
            if inFlight.contains(key) { continue }
            if let runID = task.runID, let record = try? await store.run(id: runID),
                record.status.isTerminal || record.status == .awaitingApproval
            {
                if record.status == .abandoned || PlanTaskStatus(run: record.status) != task.status {
                    await settle(planRunID: run.id, taskID: task.id, attempt: task.attempt, record: record)
                }
                if record.status != .abandoned { continue }
            }
            guard task.status == .running else { continue }
            if let dispatcher = task.dispatchedBy, dispatcher != owner, live.contains(dispatcher) { continue }
            guard let current = try? await store.planRun(id: run.id), var taken = current[task: task.id],
                taken.status == .running
            else { continue }
            taken.dispatchedBy = owner
            var updated = current
            updated[task: task.id] = taken
            guard (try? await store.replacePlanRun(updated, expectedVersion: current.version)) != nil else { continue }
            workSink.yield(.dispatch(planRunID: run.id, taskID: task.id, attempt: taken.attempt))
        }
        await advance(run.id)
    }

    // MARK: Approvals

    /// Records a run's approval request (plan task or not) and notifies it once.
    private func requestApproval(for record: RunRecord, planRunID: String? = nil, taskID: String? = nil) async {
        var plan = (planRunID, taskID)
        if plan.0 == nil, let key = record.idempotencyKey.rawValue.split(separator: ":", maxSplits: 3) as [Substring]?,
            key.count == 4, key[0] == "plan"
        {
            plan = (String(key[1]), String(key[2]))
        }
        let policy = approvalPolicies[record.agentName] ?? .default
        guard
            (try? await desk.request(
                for: record, policy: policy, planRunID: plan.0, taskID: plan.1, requestedBy: owner)) != nil
        else { return }
        await notify(record.id)
    }

    /// Sends the "awaiting approval" notification if this runner is the one that takes it in charge.
    private func notify(_ runID: RunID) async {
        guard let request = try? await store.markApprovalNotified(runID: runID) else { return }
        let notification = ApprovalNotification(request: request)
        events.emit(
            RunEvent(
                kind: .approvalRequested, timestamp: clock.now, agentName: request.agentName, runID: runID,
                status: .awaitingApproval, message: notification.slackText))
    }
}
