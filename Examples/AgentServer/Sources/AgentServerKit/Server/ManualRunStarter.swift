import AgentCore
import AgentScheduling
import Foundation
import HTTPTypes

/// Starts a manual run through the scheduler (its queue, concurrency limit and retry policy) and answers as soon
/// as the run has a record, without waiting for it to end: what `POST /agents/{agentName}/runs` needs.
struct ManualRunStarter {
    /// How a start went.
    enum Outcome {
        /// The run was claimed (or found in progress under the same key): this is its record.
        case started(RunRecord)
        /// A run with the same key already succeeded; nothing ran.
        case alreadySucceeded(RunRecord)
        /// The run is queued behind the concurrency limit and has no record yet.
        case waiting
    }

    let runner: AgentRunner
    /// How long to wait for the run's record before answering ``Outcome/waiting``.
    var claimTimeout: Duration = .seconds(10)

    /// Starts the run.
    /// - Parameter request: The agent, input, business date, correlation id and idempotency key.
    /// - Returns: The outcome.
    /// - Throws: ``APIError`` 409 when the runner is shutting down; ``StoreError`` when the store cannot be read.
    func start(_ request: AgentRunRequest) async throws -> Outcome {
        let store = runner.store
        let key = request.idempotencyKey
        let agent = request.agentName
        let previous = try await store.queryRuns(RunQuery(agent: agent, idempotencyKey: key, limit: 1)).records.first
        if let previous {
            if previous.status.isSuccess { return .alreadySucceeded(previous) }
            if !previous.status.isTerminal { return .started(previous) }
        }
        // Subscribed before the run is queued, so its first event cannot be missed.
        let events = runner.events.subscribe(bufferingPolicy: .bufferingNewest(4096))
        let scheduler = runner.scheduler
        let clock = runner.clock
        let deadline = clock.now.addingTimeInterval(claimTimeout.inSeconds)
        // The first of three answers wins: the run's first event, the run's end (a duplicate ends at once), the
        // deadline. The run itself goes on after the answer; only the watchers stop.
        let (answers, answer) = AsyncStream.makeStream(of: Result<Outcome, APIError>.self)
        Task {
            do {
                let result = try await scheduler.trigger(
                    agent, parameters: request.parameters, businessDate: request.businessDate, idempotencyKey: key,
                    correlationID: request.correlationID)
                answer.yield(
                    .success(
                        result.disposition == .duplicate ? .alreadySucceeded(result.record) : .started(result.record)))
            } catch {
                answer.yield(
                    .failure(
                        APIError(
                            .conflict, code: "runnerStopping", "the runner is shutting down and starts no more runs")))
            }
        }
        let watcher = Task {
            for await event in events where event.agentName == agent {
                guard let id = event.runID, event.kind == .runQueued || event.kind == .runStarted else { continue }
                if let record = try? await store.run(id: id), record.idempotencyKey == key {
                    answer.yield(.success(.started(record)))
                    return
                }
            }
        }
        let timer = Task {
            try? await clock.sleep(until: deadline)
            answer.yield(.success(.waiting))
        }
        defer {
            watcher.cancel()
            timer.cancel()
        }
        for await result in answers { return try result.get() }
        return .waiting
    }
}
