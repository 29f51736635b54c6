import AgentCore
import AgentStorage
import Foundation
import PostgresNIO

extension PostgresAgentStore {
    /// Writes one run write through the store's batcher.
    /// - Parameter write: The write.
    /// - Returns: Its outcome.
    /// - Throws: The write's own error.
    func perform(_ write: RunWrite) async throws -> RunWriteOutcome {
        try await runWrites.perform(write) { [self] batch in await self.execute(batch) }
    }

    /// Writes a batch: the claims in one transaction, the updates in one statement and the notifications in one
    /// statement, the three at once. Each write's rules are checked on its own, so one write that breaks a rule fails
    /// alone; when a whole group fails on a database error that is not an outage, each of its writes is tried alone.
    /// - Parameter writes: The batch; at most one write per run and one claim per key.
    /// - Returns: One result per write, in order.
    func execute(_ writes: [RunWrite]) async -> [Result<RunWriteOutcome, any Error>] {
        var claims: [(Int, (RunClaim, RunRow))] = []
        var updates: [(Int, (RunRecord, RunRow))] = []
        var notifications: [(Int, RunID)] = []
        for (index, write) in writes.enumerated() {
            switch write {
            case .claim(let claim, let row): claims.append((index, (claim, row)))
            case .update(let record, let row): updates.append((index, (record, row)))
            case .markNotified(let id): notifications.append((index, id))
            }
        }
        async let claimed = group(claims) { try await self.claim($0) }
        async let updated = group(updates) { try await self.update($0) }
        async let notified = group(notifications) { try await self.markNotified($0) }
        var results = [Result<RunWriteOutcome, any Error>](
            repeating: .failure(StoreError(.io, "a run write was not carried out")), count: writes.count)
        for (index, result) in await claimed + updated + notified { results[index] = result }
        return results
    }

    /// Writes one group of a batch; on a database error that is not an outage, tries each of its writes alone.
    private func group<Item: Sendable>(
        _ items: [(Int, Item)],
        _ write: @Sendable ([Item]) async throws -> [Result<RunWriteOutcome, any Error>]
    ) async -> [(Int, Result<RunWriteOutcome, any Error>)] {
        guard !items.isEmpty else { return [] }
        do {
            return Array(zip(items.map(\.0), try await write(items.map(\.1))))
        } catch {
            let outage = (error as? StoreError)?.code == .unavailable || error is CancellationError
            guard items.count > 1, !outage else { return items.map { ($0.0, .failure(error)) } }
            var results: [(Int, Result<RunWriteOutcome, any Error>)] = []
            for (index, item) in items {
                do {
                    results.append((index, try await write([item]).first ?? .failure(error)))
                } catch {
                    results.append((index, .failure(error)))
                }
            }
            return results
        }
    }

    // MARK: Claims

    /// Claims runs in one transaction. An upsert of the claim ledger's rows for their agents and idempotency keys
    /// locks them in key order (so batches of several processes never deadlock on them; concurrent claims of one key
    /// wait there, claims of other keys do not), the runs with those keys are read and each claim is settled by the
    /// rules, and the new runs are inserted with a lease of the database's now + ``RunClaim/leaseDuration``. Runs
    /// that retention removed still count through the ledger's `retired` column.
    ///
    /// Most claims are of a key never claimed before (a new fire, a new manual run): one statement counts them in the
    /// ledger and inserts the runs whose ledger row it created, since no run with such a key exists (every write that
    /// creates a run counts it there, see ``SchemaMigrations/claimLedger``). The others are settled by the rules in
    /// a transaction.
    private func claim(_ batch: [(RunClaim, RunRow)]) async throws -> [Result<RunWriteOutcome, any Error>] {
        let claims = batch.map(\.0)
        var results = [Result<RunWriteOutcome, any Error>?](repeating: nil, count: claims.count)
        let fresh = claims.indices.filter { !claims[$0].record.status.isTerminal }
        if !fresh.isEmpty {
            let outcomes = try await claimNewKeys(fresh.map { batch[$0] })
            for (index, outcome) in zip(fresh, outcomes) { results[index] = outcome }
        }
        let others = claims.indices.filter { results[$0] == nil }
        if !others.isEmpty {
            for (index, outcome) in zip(others, try await settleClaims(others.map { claims[$0] })) {
                results[index] = outcome
            }
        }
        return results.map { $0 ?? .failure(StoreError(.io, "a claim of a batch was not carried out")) }
    }

    /// The one-statement claim of keys never claimed before; `nil` for a claim whose key was claimed before.
    private func claimNewKeys(_ batch: [(RunClaim, RunRow)]) async throws -> [Result<RunWriteOutcome, any Error>?] {
        let claims = batch.map(\.0)
        // In the order the statement locks the ledger's rows, so the server's sort finds them sorted.
        let rows = batch.map(\.1).sorted(by: RunRow.inKeyOrder)
        let statement = ClaimNewKeysStatement(
            input: RunRow.json(rows), injectedNow: injectedNow, records: RunRow.records(rows))
        var answers: [String: (fresh: Bool, inserted: Bool, now: Int64)] = [:]
        for row in try await database.execute(statement) {
            answers[row.id] = (row.fresh, row.inserted, row.now)
        }
        return claims.map { claim in
            let id = claim.record.id
            guard let answer = answers[id.rawValue] else {
                return .failure(StoreError(.io, "the claim ledger of \(location) returned no row for run \(id)"))
            }
            guard answer.fresh else { return nil }
            guard answer.inserted else {
                return .failure(StoreError(.duplicateRunID, "a run with id \(id) already exists"))
            }
            return .success(.claimed(.claimed(claim.leasedRecord(now: Date(milliseconds: answer.now)))))
        }
    }

    /// Settles claims by the rules in one transaction (keys claimed before, and runs that are inserted ended).
    private func settleClaims(_ claims: [RunClaim]) async throws -> [Result<RunWriteOutcome, any Error>] {
        struct Key: Encodable, Hashable {
            let agent: String
            let key: String
        }
        let keys = claims.map { Key(agent: $0.record.agentName.rawValue, key: $0.record.idempotencyKey.rawValue) }
        let keysJSON: String
        do {
            keysJSON = String(decoding: try JSONEncoder().encode(keys), as: UTF8.self)
        } catch {
            throw StoreError(.invalidRecord, "the keys of a batch of claims cannot be encoded: \(error)")
        }
        let ids = claims.map(\.record.id.rawValue)
        return try await write { transaction in
            let ledger = try await transaction.rows(
                """
                WITH clock AS (SELECT coalesce(\(injectedNow)::bigint, \(unescaped: StatementSQL.databaseNow)) AS now),
                locked AS (
                    INSERT INTO \(unescaped: table("run_keys")) AS ledger (agent, idempotency_key, claims)
                    SELECT wanted.agent, wanted.key, 1
                    FROM jsonb_to_recordset(\(keysJSON)::jsonb) AS wanted(agent text, key text)
                    ORDER BY wanted.agent, wanted.key
                    ON CONFLICT (agent, idempotency_key) DO UPDATE SET claims = ledger.claims + 1
                    RETURNING ledger.agent, ledger.idempotency_key, ledger.retired::text AS retired
                )
                SELECT clock.now, locked.agent, locked.idempotency_key, locked.retired
                FROM clock LEFT JOIN locked ON true
                """)
            var now: Date?
            var retired: [Key: [RunRecord]] = [:]
            for (nowMilliseconds, agent, key, retiredText) in try decodeAll(
                ledger, as: (Int64, String?, String?, String?).self)
            {
                now = Date(milliseconds: nowMilliseconds)
                if let agent, let key, let retiredText {
                    retired[Key(agent: agent, key: key)] = try retiredRuns(retiredText)
                }
            }
            guard let now else { throw StoreError(.io, "the claim ledger of \(location) returned no row") }
            let rows = try await transaction.rows(
                """
                SELECT record::text FROM \(unescaped: table("runs"))
                WHERE (agent, idempotency_key) IN (
                    SELECT wanted.agent, wanted.key FROM jsonb_to_recordset(\(keysJSON)::jsonb) AS wanted(agent text, key text))
                UNION
                SELECT record::text FROM \(unescaped: table("runs")) WHERE id = ANY(\(ids)::text[])
                """)
            var existing = Set<RunID>()
            var earlierByKey: [Key: [RunRecord]] = [:]
            for text in try decodeAll(rows, as: String.self) {
                let record = try RunRecordJSON.record(text)
                guard existing.insert(record.id).inserted else { continue }
                earlierByKey[Key(agent: record.agentName.rawValue, key: record.idempotencyKey.rawValue), default: []]
                    .append(record)
            }
            var results: [Result<RunWriteOutcome, any Error>] = []
            var abandoned: [RunRecord] = []
            var inserted: [RunRecord] = []
            var changes: [StoreChange.Kind] = []
            for (claim, key) in zip(claims, keys) {
                guard !existing.contains(claim.record.id) else {
                    results.append(
                        .failure(StoreError(.duplicateRunID, "a run with id \(claim.record.id) already exists")))
                    continue
                }
                let decision = Self.settle(
                    claim, earlier: (earlierByKey[key] ?? []).sorted { $0.id < $1.id }, retired: retired[key] ?? [],
                    now: now)
                abandoned += decision.abandoned
                changes += decision.abandoned.map { .runEnded(id: $0.id, agent: $0.agentName, status: .abandoned) }
                if let record = decision.inserted {
                    inserted.append(record)
                    if record.status.isTerminal {
                        changes.append(.runEnded(id: record.id, agent: record.agentName, status: record.status))
                    }
                }
                results.append(.success(.claimed(decision.outcome)))
            }
            for record in abandoned { try await replace(record, in: transaction) }
            for record in inserted { try await insert(record, in: transaction) }
            return (results, changes)
        }
    }

    /// What the claim rules decide for one claim, given the runs that have its key.
    private struct ClaimDecision {
        var outcome: RunClaimOutcome
        var abandoned: [RunRecord] = []
        var inserted: RunRecord?
    }

    /// The claim rules: a run in one of the claim's settled statuses (also one retention removed) makes it a
    /// duplicate; a run still in progress with a live lease (or awaiting approval) makes it in progress; an
    /// unfinished run whose lease expired is abandoned; otherwise the claimed run is inserted with its lease.
    private static func settle(_ claim: RunClaim, earlier: [RunRecord], retired: [RunRecord], now: Date)
        -> ClaimDecision
    {
        let settled = (earlier + retired).filter { claim.settledStatuses.contains($0.status) }
        if let newest = settled.max(by: { $0.id < $1.id }) { return ClaimDecision(outcome: .duplicate(of: newest)) }
        var abandoned: [RunRecord] = []
        for var record in earlier where !record.status.isTerminal {
            // A run awaiting approval holds no lease but is never abandoned: it is in progress until decided.
            if record.hasLiveLease(at: now) || record.status == .awaitingApproval {
                return ClaimDecision(outcome: .inProgress(record), abandoned: abandoned)
            }
            record.markAbandoned(at: now)
            abandoned.append(record)
        }
        let record = claim.leasedRecord(now: now)
        return ClaimDecision(outcome: .claimed(record), abandoned: abandoned, inserted: record)
    }

    /// The runs of a ledger row's `retired` column (status → the newest removed run with it).
    private func retiredRuns(_ text: String) throws -> [RunRecord] {
        guard text != "{}" else { return [] }
        let retired: [String: RetiredRun]
        do {
            retired = try JSONDecoder().decode([String: RetiredRun].self, from: Data(text.utf8))
        } catch {
            throw StoreError(.corruptData, "the claim ledger of \(location) holds an unreadable retired run: \(error)")
        }
        return try retired.values.map { run in
            switch run {
            case .text(let text): try RunRecordJSON.record(text)
            case .object(let record): record
            }
        }
    }

    /// A run in a ledger row's `retired` column: its record's JSON text as a string (as retention writes it since
    /// migration 8: `jsonb` cannot hold every record as an object), or the record as an object (written before).
    private enum RetiredRun: Decodable {
        case text(String)
        case object(RunRecord)

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self = .text(text)
            } else {
                self = .object(try container.decode(RunRecord.self))
            }
        }
    }

    // MARK: Updates

    /// Updates runs in one statement: each row is locked, checked (it exists, its agent and key are unchanged, it
    /// has not ended, or ends again the same way) and replaced; the runs that end here get their `runEnded` change in
    /// the same statement.
    private func update(_ batch: [(RunRecord, RunRow)]) async throws -> [Result<RunWriteOutcome, any Error>] {
        let records = batch.map(\.0)
        // In the order the statement locks the runs, so the server's sorts find them sorted.
        let rows = batch.map(\.1).sorted(by: RunRow.inIDOrder)
        var found: [String: (String?, String?, String?, Bool)] = [:]
        var announced = false
        for row in try await database.execute(
            UpdateRunsStatement(input: RunRow.json(rows), records: RunRow.records(rows)))
        {
            found[row.id] = (row.agent, row.key, row.status, row.replaced)
            announced = announced || row.announced > 0
        }
        if announced { signal.wake() }
        return records.map { record in
            guard let (agent, key, status, changed) = found[record.id.rawValue], let agent, let key, let status else {
                return .failure(StoreError(.runNotFound, "no run with id \(record.id); insert or claim it first"))
            }
            guard agent == record.agentName.rawValue, key == record.idempotencyKey.rawValue else {
                return .failure(
                    StoreError(.invalidRecord, "run \(record.id): the agent and idempotency key of a run cannot change")
                )
            }
            guard changed else {
                return .failure(
                    StoreError(
                        .terminalRecordImmutable,
                        "run \(record.id) already ended as \(status); it cannot become \(record.status)"))
            }
            return .success(.updated)
        }
    }

    // MARK: Notifications

    /// Sets `notifiedAt` to the database's now on the ended runs that have none, in one statement.
    private func markNotified(_ ids: [RunID]) async throws -> [Result<RunWriteOutcome, any Error>] {
        var marked: [String: RunRecord] = [:]
        for row in try await database.execute(MarkNotifiedStatement(ids: ids.map(\.rawValue), injectedNow: injectedNow))
        {
            marked[row.id] = try RunRecordJSON.record(row.record)
        }
        return ids.map { .success(.notified(marked[$0.rawValue])) }
    }
}
