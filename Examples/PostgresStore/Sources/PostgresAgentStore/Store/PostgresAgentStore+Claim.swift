import AgentCore
import Foundation
import PostgresNIO

extension PostgresAgentStore {
    /// See ``RunStore/claimRun(_:)``. One transaction (shared with the claims other tasks of this process make at the
    /// same time): an upsert of the claim ledger's row for the agent and idempotency key locks it (concurrent claims
    /// of the key wait there, claims of other keys do not), the runs with the key are read and settled by the rules,
    /// and the new run is inserted with a lease of the database's now + ``RunClaim/leaseDuration``. Runs that
    /// retention removed still count through the ledger's `retired` column.
    /// - Parameter claim: The run to create and its lease.
    /// - Returns: Whether the caller may run it.
    /// - Throws: ``StoreError`` with ``StoreError/Code/duplicateRunID`` if the run id exists.
    public func claimRun(_ claim: RunClaim) async throws -> RunClaimOutcome {
        let row = try RunRow(claim.leasedRecord(now: nil), lease: claim.leaseDuration)
        guard case .claimed(let outcome) = try await perform(.claim(claim, row)) else {
            throw StoreError(.io, "a claim of run \(claim.record.id) was answered as another kind of write")
        }
        return outcome
    }
}

extension RunClaim {
    /// The claimed record as stored: leased by the claim's owner until `now` + ``leaseDuration``.
    /// - Parameter now: The store's now, or `nil` while it is not known (the statement sets the expiry).
    /// - Returns: The record.
    func leasedRecord(now: Date?) -> RunRecord {
        var record = self.record
        record.leaseOwner = owner
        if let now { record.leaseExpiresAt = Date(milliseconds: now.milliseconds + leaseDuration.wholeMilliseconds) }
        return record
    }
}
