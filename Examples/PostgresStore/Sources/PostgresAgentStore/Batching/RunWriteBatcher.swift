import AgentCore
import Synchronization

/// Combines the run writes that the tasks of one process make at the same time into batches, so that many runs cost
/// one transaction and a few statements instead of one each (group commit in the client).
///
/// A write waits only while earlier batches are being written: an idle store starts a batch at once, so a lone
/// write is not delayed. At most ``maximumBatchesInFlight`` batches are written at once; the writes that arrive
/// meanwhile form the next batch. After a batch, the writer lets the callers it just answered run before it takes the
/// next one (one turn of the executor, ``Task/yield()``): a caller that writes again at once (a run's terminal record
/// right after its claim) then joins that batch instead of the one after, so a busy process writes fewer, larger
/// batches. A batch never holds two writes of the same run or two claims of the same agent and
/// idempotency key: the later one waits for the next batch, so the writes of one run keep their order and each
/// batch's statements touch every row once.
final class RunWriteBatcher: Sendable {
    /// A write and its caller. A class: batching moves each write between arrays a few times, and a reference moves
    /// with one retain where the write's payload (a record and its row) would copy every field.
    private final class Waiting: Sendable {
        let write: RunWrite
        let continuation: CheckedContinuation<RunWriteOutcome, any Error>

        init(write: RunWrite, continuation: CheckedContinuation<RunWriteOutcome, any Error>) {
            self.write = write
            self.continuation = continuation
        }
    }

    private struct State {
        var waiting: [Waiting] = []
        var batchesInFlight = 0
    }

    private let state = Mutex(State())
    /// The most batches written at the same time.
    let maximumBatchesInFlight: Int
    /// The most writes in one batch.
    let maximumBatchSize: Int

    /// Creates a batcher.
    /// - Parameters:
    ///   - maximumBatchesInFlight: The most batches written at once (each takes a connection).
    ///   - maximumBatchSize: The most writes per batch.
    init(maximumBatchesInFlight: Int, maximumBatchSize: Int = 256) {
        self.maximumBatchesInFlight = max(1, maximumBatchesInFlight)
        self.maximumBatchSize = max(1, maximumBatchSize)
    }

    /// Writes `write` in the next batch and returns its own outcome.
    /// - Parameters:
    ///   - write: The write.
    ///   - execute: Writes a batch; returns one result per write, in order.
    /// - Returns: The write's outcome.
    /// - Throws: The write's own error (a store rule such as ``StoreError/Code/runNotFound``, or the database's).
    func perform(
        _ write: RunWrite, execute: @escaping @Sendable ([RunWrite]) async -> [Result<RunWriteOutcome, any Error>]
    ) async throws -> RunWriteOutcome {
        try await withCheckedThrowingContinuation { continuation in
            let startsBatch = state.withLock { state in
                state.waiting.append(Waiting(write: write, continuation: continuation))
                guard state.batchesInFlight < maximumBatchesInFlight else { return false }
                state.batchesInFlight += 1
                return true
            }
            // The writer lives only while writes wait, and every write it takes is answered: it needs no owner.
            if startsBatch { Task { await self.writeBatches(execute) } }
        }
    }

    /// Writes batches until nothing waits, yielding once between batches so that the callers just answered can
    /// queue their next writes for the next batch.
    private func writeBatches(
        _ execute: @Sendable ([RunWrite]) async -> [Result<RunWriteOutcome, any Error>]
    ) async {
        while let batch = nextBatch() {
            let results = await execute(batch.map(\.write))
            for (index, waiting) in batch.enumerated() {
                waiting.continuation.resume(
                    with: index < results.count
                        ? results[index]
                        : .failure(StoreError(.io, "a batch of run writes returned no result for one of them")))
            }
            await Task.yield()
        }
    }

    /// Takes the next batch in arrival order, leaving a write of a run or key already in the batch for later; `nil`
    /// (and one writer less) when nothing waits.
    private func nextBatch() -> [Waiting]? {
        state.withLock { state in
            guard !state.waiting.isEmpty else {
                state.batchesInFlight -= 1
                return nil
            }
            var batch: [Waiting] = []
            var later: [Waiting] = []
            var runs = Set<RunID>()
            var keys = Set<RunWrite.ClaimKey>()
            for waiting in state.waiting {
                let key = waiting.write.claimKey
                if batch.count < maximumBatchSize, !runs.contains(waiting.write.runID),
                    key.map({ !keys.contains($0) }) ?? true
                {
                    batch.append(waiting)
                    runs.insert(waiting.write.runID)
                    if let key { keys.insert(key) }
                } else {
                    later.append(waiting)
                }
            }
            state.waiting = later
            return batch
        }
    }
}

/// One run write of ``RunWriteBatcher``.
enum RunWrite: Sendable {
    /// ``RunStore/claimRun(_:)``, with the claimed run's row (encoded by the caller, so the records of a batch are
    /// encoded by their own tasks at the same time rather than one after the other by the batch's writer).
    case claim(RunClaim, RunRow)
    /// ``RunStore/updateRun(_:)``, with the record's row.
    case update(RunRecord, RunRow)
    /// ``RunStore/markRunNotified(id:)``.
    case markNotified(RunID)

    /// The agent and idempotency key of a claim.
    struct ClaimKey: Hashable {
        let agent: String
        let key: String
    }

    /// The run written.
    var runID: RunID {
        switch self {
        case .claim(let claim, _): claim.record.id
        case .update(let record, _): record.id
        case .markNotified(let id): id
        }
    }

    /// The key a claim locks.
    var claimKey: ClaimKey? {
        guard case .claim(let claim, _) = self else { return nil }
        return ClaimKey(agent: claim.record.agentName.rawValue, key: claim.record.idempotencyKey.rawValue)
    }
}

/// The outcome of one ``RunWrite``.
enum RunWriteOutcome: Sendable {
    /// A claim's outcome.
    case claimed(RunClaimOutcome)
    /// An update was stored.
    case updated
    /// The record whose `notifiedAt` this write set, or `nil` when it was already set or the run has not ended.
    case notified(RunRecord?)
}
