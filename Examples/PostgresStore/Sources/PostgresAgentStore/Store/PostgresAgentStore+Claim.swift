import AgentCore
import Foundation
import PostgresNIO

extension PostgresAgentStore {
    /// See ``RunStore/claimRun(_:)``. One transaction: an upsert of the claim ledger's row for the agent and
    /// idempotency key locks it (concurrent claims of the key wait there, claims of other keys do not), the runs with
    /// the key are read and settled by the rules, and the new run is inserted with a lease of the database's now +
    /// ``RunClaim/leaseDuration``. Runs that retention removed still count through the ledger's `retired` column.
    /// - Parameter claim: The run to create and its lease.
    /// - Returns: Whether the caller may run it.
    /// - Throws: ``StoreError`` with ``StoreError/Code/duplicateRunID`` if the run id exists.
    public func claimRun(_ claim: RunClaim) async throws -> RunClaimOutcome {
        let agent = claim.record.agentName.rawValue
        let key = claim.record.idempotencyKey.rawValue
        return try await write { transaction in
            let ledger = try await transaction.rows(
                """
                INSERT INTO \(unescaped: table("run_keys")) AS ledger (agent, idempotency_key, claims)
                VALUES (\(agent), \(key), 1)
                ON CONFLICT (agent, idempotency_key) DO UPDATE SET claims = ledger.claims + 1
                RETURNING ledger.retired::text, \(unescaped: table("now_ms"))(\(injectedNow))
                """)
            guard let (retiredText, nowMilliseconds) = try decode(ledger.first, as: (String, Int64).self) else {
                throw StoreError(.io, "the claim ledger of \(location) returned no row")
            }
            let now = Date(milliseconds: nowMilliseconds)
            let rows = try await transaction.rows(
                """
                SELECT record::text FROM \(unescaped: table("runs"))
                WHERE (agent = \(agent) AND idempotency_key = \(key)) OR id = \(claim.record.id.rawValue) ORDER BY id
                """)
            var earlier = try decodeAll(rows, as: String.self).map(RunRecordCodec.record)
            guard !earlier.contains(where: { $0.id == claim.record.id }) else {
                throw StoreError(.duplicateRunID, "a run with id \(claim.record.id) already exists")
            }
            let retired = try retiredRuns(retiredText)
            let settled = (earlier + retired).filter { claim.settledStatuses.contains($0.status) }
            if let newest = settled.max(by: { $0.id < $1.id }) { return (.duplicate(of: newest), []) }
            var ended: [StoreChange.Kind] = []
            for index in earlier.indices where !earlier[index].status.isTerminal {
                // A run awaiting approval holds no lease but is never abandoned: it is in progress until decided.
                if earlier[index].hasLiveLease(at: now) || earlier[index].status == .awaitingApproval {
                    return (.inProgress(earlier[index]), ended)
                }
                earlier[index].markAbandoned(at: now)
                try await replace(earlier[index], in: transaction)
                ended.append(.runEnded(id: earlier[index].id, agent: earlier[index].agentName, status: .abandoned))
            }
            var record = claim.record
            record.leaseOwner = claim.owner
            record.leaseExpiresAt = Date(milliseconds: nowMilliseconds + claim.leaseDuration.wholeMilliseconds)
            try await insert(record, in: transaction)
            if record.status.isTerminal {
                ended.append(.runEnded(id: record.id, agent: record.agentName, status: record.status))
            }
            return (.claimed(record), ended)
        }
    }

    /// The runs of a ledger row's `retired` column (status → the newest removed run with it).
    private func retiredRuns(_ text: String) throws -> [RunRecord] {
        guard text != "{}" else { return [] }
        do {
            return Array(try JSONDecoder().decode([String: RunRecord].self, from: Data(text.utf8)).values)
        } catch {
            throw StoreError(.corruptData, "the claim ledger of \(location) holds an unreadable retired run: \(error)")
        }
    }
}
