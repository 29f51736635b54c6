import AgentCore
import Foundation
import Synchronization

/// A ``RunStore`` that passes every call to another and keeps how long each claim took, so the benchmark can drive
/// the runner's own ``Orchestrator`` and still report the claim's latency.
final class ClaimTimingStore: RunStore {
    private let store: any RunStore
    private let claimMilliseconds = Mutex<[Double]>([])

    init(_ store: any RunStore) { self.store = store }

    /// The latencies of the claims so far, in milliseconds.
    var claimLatencies: [Double] { claimMilliseconds.withLock { $0 } }

    func claimRun(_ claim: RunClaim) async throws -> RunClaimOutcome {
        let start = ContinuousClock.now
        let outcome = try await store.claimRun(claim)
        let elapsed = BenchWorker.milliseconds(ContinuousClock.now - start)
        claimMilliseconds.withLock { $0.append(elapsed) }
        return outcome
    }

    func insertRun(_ record: RunRecord) async throws { try await store.insertRun(record) }
    func updateRun(_ record: RunRecord) async throws { try await store.updateRun(record) }
    func run(id: RunID) async throws -> RunRecord? { try await store.run(id: id) }
    func queryRuns(_ query: RunQuery) async throws -> RunPage { try await store.queryRuns(query) }
    func renewRunLease(id: RunID, owner: String, duration: Duration) async throws -> RunRecord {
        try await store.renewRunLease(id: id, owner: owner, duration: duration)
    }
    func abandonExpiredRuns() async throws -> [RunRecord] { try await store.abandonExpiredRuns() }
    func markRunNotified(id: RunID) async throws -> RunRecord? { try await store.markRunNotified(id: id) }
}
