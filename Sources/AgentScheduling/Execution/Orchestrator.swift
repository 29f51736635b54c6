import AgentCore
import Foundation
import Synchronization

/// Executes one run request from claim to terminal record.
///
/// The life cycle of every request:
/// 1. **Validate** the request against the agent.
/// 2. **Claim** it atomically in the store, recorded as running with a lease (it starts at once, so no separate
///    "running" write follows). A key that already settled answers ``RunExecution/Disposition/duplicate`` (and
///    emits ``RunEvent/Kind/runDeduplicated``); a key in progress answers ``RunExecution/Disposition/inProgress``.
///    ``RunEvent/Kind/runQueued`` and ``RunEvent/Kind/runStarted`` are emitted as before.
/// 3. The **lease** is renewed every third of ``RunPolicy/leaseDuration`` while the agent works (clock timers watch
///    the lease and the deadline; see ``AgentClock/startTimer(at:_:)``).
/// 4. **Run** the agent in a task of its own (started on the calling thread, where it runs until it first
///    suspends) with the policy's timeout. On timeout, caller cancellation or a lost lease the agent's task is
///    cancelled and gets ``RunPolicy/cancellationGracePeriod`` to return; the run is recorded when it returns or when the
///    grace period ends, whichever is first.
/// 5. Write **exactly one terminal record** (succeeded, noOp, failed, timedOut or cancelled), shielded from the
///    caller's cancellation, then emit the terminal event.
///
/// Retries are not done here: the record carries the attempt number and the failure class, and the scheduler decides.
public final class Orchestrator: Sendable {
    /// The store runs are claimed in and recorded to.
    public let store: any RunStore
    /// The clock for timestamps, deadlines and lease renewal.
    public let clock: any AgentClock
    /// Where lifecycle events are published.
    public let events: EventBroadcaster
    /// The identity that holds run leases (unique per process by default).
    public let owner: String
    private let runIDs: RunIDGenerator
    /// The runs executing now, by run id: where to deliver a cancellation request.
    private let executing = Mutex([RunID: SignalQueue<RunSignal>]())

    /// Creates an orchestrator.
    /// - Parameters:
    ///   - store: Where runs are claimed and recorded.
    ///   - clock: The clock (a ``ManualClock`` in tests).
    ///   - events: Where lifecycle events go.
    ///   - owner: The lease owner identity; defaults to `host/pid/random`.
    ///   - runIDs: The run-id generator (inject a seeded one for deterministic ids).
    public init(
        store: any RunStore, clock: any AgentClock = SystemClock(), events: EventBroadcaster = EventBroadcaster(),
        owner: String? = nil, runIDs: RunIDGenerator = RunIDGenerator()
    ) {
        self.store = store
        self.clock = clock
        self.events = events
        self.owner = owner ?? Self.defaultOwner()
        self.runIDs = runIDs
    }

    /// A process-unique owner name: host, process id and a random suffix.
    /// - Returns: For example `build-01/4242/7f3a9c`.
    public static func defaultOwner() -> String {
        let info = ProcessInfo.processInfo
        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        return "\(info.hostName)/\(info.processIdentifier)/\(suffix)"
    }

    /// Cancels a run that this orchestrator is executing: the agent's task is cancelled (a subprocess agent stops its
    /// whole process group), gets ``RunPolicy/cancellationGracePeriod`` to return, and the run is recorded
    /// ``RunStatus/cancelled`` with the reason.
    /// - Parameters:
    ///   - id: The run id.
    ///   - reason: Why, for the record's error message.
    /// - Returns: Whether the run was executing here.
    @discardableResult
    public func cancelRun(_ id: RunID, reason: String) -> Bool {
        guard let race = executing.withLock({ $0[id] }) else { return false }
        race.deliver(.cancelRequested(reason))
        return true
    }

    /// Whether a run is executing in this orchestrator now.
    /// - Parameter id: The run id.
    /// - Returns: `true` between the run's start and its terminal record.
    public func isExecuting(_ id: RunID) -> Bool {
        executing.withLock { $0[id] != nil }
    }

    /// Runs one request through the whole life cycle (see the type's documentation).
    /// - Parameters:
    ///   - request: The request; its agent name must be the agent's.
    ///   - agent: The agent to run.
    ///   - settledStatuses: Statuses of an earlier run with the same key that make this request a duplicate.
    /// - Returns: Whether the request ran, and the terminal (or existing) record.
    /// - Throws: ``OrchestratorError`` when the request is invalid or the store fails to claim or record the run.
    ///   A failing, timing-out or cancelled agent is not an error: it is a terminal record.
    public func execute(
        _ request: AgentRunRequest, agent: some AgentDefinition,
        settledStatuses: Set<RunStatus> = [.succeeded, .noOp]
    ) async throws -> RunExecution {
        try await execute(request, agent: agent, settledStatuses: settledStatuses, deferringEndEvent: false)
    }

    /// Runs one request; with `deferringEndEvent` the terminal event is not emitted but returned in
    /// ``RunExecution/endEvent``, so that a scheduler can publish it once it knows whether a retry follows.
    func execute(
        _ request: AgentRunRequest, agent: some AgentDefinition, settledStatuses: Set<RunStatus>,
        deferringEndEvent: Bool
    ) async throws -> RunExecution {
        guard request.agentName == agent.name else {
            throw OrchestratorError(
                .agentMismatch, "the request is for agent \(request.agentName) but was given agent \(agent.name)")
        }
        guard request.attempt >= 1 else {
            throw OrchestratorError(.invalidRequest, "attempt \(request.attempt) is invalid; attempts start at 1")
        }
        let policy = agent.policy
        let queuedAt = clock.now
        // The run starts as soon as it is claimed, so it is claimed as running: one durable write less per run than
        // a queued claim followed by a running update. `startedAt` is corrected to the agent's start below (the
        // terminal record carries it).
        var proposed = RunRecord(id: runIDs.next(at: queuedAt), request: request, status: .running, queuedAt: queuedAt)
        proposed.startedAt = proposed.queuedAt
        let claim = RunClaim(
            record: proposed, owner: owner, leaseDuration: policy.leaseDuration, settledStatuses: settledStatuses)
        let outcome: RunClaimOutcome
        do {
            outcome = try await store.claimRun(claim)
        } catch {
            throw OrchestratorError(.storeFailure, "claiming a run of \(agent.name) failed: \(error)")
        }
        switch outcome {
        case .duplicate(let existing):
            events.emit(
                RunEvent(
                    kind: .runDeduplicated, record: existing, timestamp: clock.now,
                    message: "key \(request.idempotencyKey) already settled as run \(existing.id) (\(existing.status))",
                    details: .deduplication(DeduplicationDetails(reason: .duplicate))))
            return RunExecution(disposition: .duplicate, record: existing)
        case .inProgress(let existing):
            events.emit(
                RunEvent(
                    kind: .runDeduplicated, record: existing, timestamp: clock.now,
                    message: "key \(request.idempotencyKey) is in progress as run \(existing.id)",
                    details: .deduplication(DeduplicationDetails(reason: .inProgress))))
            return RunExecution(disposition: .inProgress, record: existing)
        case .claimed(let claimed):
            var queued = claimed
            queued.status = .queued
            queued.startedAt = nil
            events.emit(RunEvent(kind: .runQueued, record: queued, timestamp: clock.now))
            return try await runClaimed(
                claimed, request: request, agent: agent, policy: policy, deferringEndEvent: deferringEndEvent)
        }
    }

    private func runClaimed(
        _ claimed: RunRecord, request: AgentRunRequest, agent: some AgentDefinition, policy: RunPolicy,
        deferringEndEvent: Bool
    ) async throws -> RunExecution {
        var record = claimed
        let startedAt = Timestamp.roundedToMilliseconds(clock.now)
        record.startedAt = startedAt
        events.emit(RunEvent(kind: .runStarted, record: record, timestamp: clock.now))

        let deadline = startedAt.addingTimeInterval(policy.timeout.timeInterval)
        let excerpt = LogExcerpt()
        let context = AgentRunContext(
            runID: record.id, attempt: record.attempt, request: request, clock: clock, deadline: deadline,
            events: events, excerpt: excerpt)
        let race = SignalQueue<RunSignal>()
        executing.withLock { $0[record.id] = race }
        defer { executing.withLock { _ = $0.removeValue(forKey: record.id) } }
        let runAgent: @Sendable () async -> Void = {
            let result: Result<AgentRunResult, any Error>
            do {
                result = .success(try await agent.run(request, context: context))
            } catch {
                result = .failure(error)
            }
            race.deliver(.finished(result))
        }
        // The agent's task starts on this thread and runs here until its first suspension: an agent that
        // finishes without suspending costs no thread hop, and one that suspends goes on as any task does.
        let agentTask: Task<Void, Never>
        if #available(macOS 26.0, iOS 26.0, tvOS 26.0, watchOS 26.0, visionOS 26.0, *) {
            agentTask = Task.immediate(operation: runAgent)
        } else {
            agentTask = Task(operation: runAgent)
        }
        let supervisor = RunSupervisor(
            runID: record.id, deadline: deadline, leaseDuration: policy.leaseDuration, race: race, store: store,
            clock: clock, owner: owner)
        // An agent that already returned needs no watching.
        if !race.hasPendingSignal { supervisor.start() }
        let first = await withTaskCancellationHandler {
            await race.next()
        } onCancel: {
            race.deliver(.cancelledByCaller)
        }
        supervisor.stop()

        var retryAfter: Duration?
        switch first {
        case .finished(let result):
            retryAfter = apply(result, to: &record)
        case .deadlineReached, .cancelledByCaller, .cancelRequested, .leaseLost, .graceExpired:
            agentTask.cancel()
            let stopped = await waitForAgent(race: race, grace: policy.cancellationGracePeriod)
            let graceNote =
                stopped
                ? "the agent stopped within its grace period"
                : "the agent did not stop within its \(Self.seconds(policy.cancellationGracePeriod)) grace period and was left to finish in the background"
            switch first {
            case .deadlineReached:
                record.status = .timedOut
                record.errorClass = .timeout
                record.errorMessage = "timed out after \(Self.seconds(policy.timeout)); \(graceNote)"
            case .leaseLost(let reason):
                record.status = .cancelled
                record.errorClass = .transient
                record.errorMessage = "cancelled because the run's lease was lost (\(reason)); \(graceNote)"
            case .cancelRequested(let reason):
                record.status = .cancelled
                record.errorClass = .cancelled
                record.errorMessage = "cancelled on request: \(reason); \(graceNote)"
            default:
                record.status = .cancelled
                record.errorClass = .cancelled
                record.errorMessage = "cancelled; \(graceNote)"
            }
        }
        record.logExcerpt = excerpt.lines
        record.endedAt = Timestamp.roundedToMilliseconds(clock.now)
        return try await finish(record, retryAfter: retryAfter, deferringEndEvent: deferringEndEvent)
    }

    /// Copies an agent's result (or thrown error) into the record; returns a rate limit's retry-after.
    private func apply(_ result: Result<AgentRunResult, any Error>, to record: inout RunRecord) -> Duration? {
        switch result {
        case .success(let value):
            record.apply(value)
            if case .failed(.rateLimited, _) = value.outcome { return value.retryAfter }
            return nil
        case .failure(let error):
            let classified = error as? any ClassifiedError
            let failureClass: FailureClass =
                classified?.failureClass ?? (error is CancellationError ? .cancelled : .transient)
            record.status = RunStatus(failure: failureClass)
            record.errorClass = failureClass
            record.errorMessage = Self.describe(error)
            return classified?.retryAfter
        }
    }

    /// After cancelling the agent: waits for it to return or for the grace period to end.
    /// - Returns: Whether the agent returned in time.
    private func waitForAgent(race: SignalQueue<RunSignal>, grace: Duration) async -> Bool {
        let timer = clock.startTimer(at: clock.now.addingTimeInterval(grace.timeInterval)) {
            race.deliver(.graceExpired)
        }
        defer { timer.cancel() }
        while true {
            switch await race.next() {
            case .finished: return true
            case .graceExpired: return false
            case .deadlineReached, .cancelledByCaller, .cancelRequested, .leaseLost: continue
            }
        }
    }

    /// Writes the terminal record (shielded from the caller's cancellation) and emits the terminal event, or
    /// returns it in the execution when `deferringEndEvent` (a failure is then marked final by whoever emits it).
    private func finish(
        _ terminal: RunRecord, retryAfter: Duration?, deferringEndEvent: Bool
    ) async throws -> RunExecution {
        var record = terminal
        record.leaseExpiresAt = nil
        let toWrite = record
        let written = await Self.writeShieldedFromCancellation(toWrite, store: store)
        switch written {
        case .success(let stored):
            record = stored
        case .failure(let error):
            throw OrchestratorError(
                .storeFailure,
                "run \(record.id) of \(record.agentName) ended as \(record.status) but the record could not be written: \(error); its lease will expire and the run will be marked abandoned"
            )
        }
        var endEvent: RunEvent?
        if record.status == .abandoned {
            // Another process found this run's lease expired and ended it: it is announced once, by whichever
            // process takes charge first.
            if let claimed = try? await store.markRunNotified(id: record.id) {
                endEvent = RunEvent.ended(claimed, kind: .runAbandoned, at: clock.now, message: claimed.errorMessage)
            }
        } else {
            let kind: RunEvent.Kind =
                switch record.status {
                case .succeeded, .noOp: .runSucceeded
                case .timedOut: .runTimedOut
                case .cancelled: .runCancelled
                case .awaitingApproval: .runAwaitingApproval
                default: .runFailed
                }
            endEvent = RunEvent.ended(record, kind: kind, at: clock.now, message: record.errorMessage ?? record.summary)
        }
        if deferringEndEvent {
            return RunExecution(disposition: .executed, record: record, retryAfter: retryAfter, endEvent: endEvent)
        }
        if let endEvent { events.emit(endEvent) }
        return RunExecution(disposition: .executed, record: record, retryAfter: retryAfter)
    }

    /// Writes the terminal record so that the caller's cancellation cannot prevent it: directly while the
    /// caller is not cancelled (the common, cheaper path), otherwise — or if cancellation arrived during the
    /// write and made a cancellation-aware store give up — from a new task that the cancellation cannot reach.
    private static func writeShieldedFromCancellation(
        _ record: RunRecord, store: any RunStore
    ) async -> Result<RunRecord, any Error> {
        if !Task.isCancelled {
            do {
                return .success(try await writeTerminal(record, store: store))
            } catch {
                if !Task.isCancelled { return .failure(error) }
            }
        }
        return await Task { try await writeTerminal(record, store: store) }.result
    }

    /// Writes a terminal record, retrying a failing store a few times. If another process already ended
    /// the run (it took the lease over and marked it abandoned), the stored record wins.
    private static func writeTerminal(_ record: RunRecord, store: any RunStore) async throws -> RunRecord {
        var lastError: (any Error)?
        for attempt in 0..<3 {
            do {
                try await store.updateRun(record)
                return record
            } catch let error as StoreError where error.code == .terminalRecordImmutable {
                if let stored = try await store.run(id: record.id) { return stored }
                throw error
            } catch {
                lastError = error
                if attempt < 2 { try? await Task.sleep(for: .milliseconds(50 << attempt)) }
            }
        }
        throw lastError ?? StoreError(.unavailable, "the terminal record could not be written")
    }

    private static func describe(_ error: any Error) -> String {
        String(describing: error)
    }

    private static func seconds(_ duration: Duration) -> String {
        let value = duration.timeInterval
        return value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }
}
