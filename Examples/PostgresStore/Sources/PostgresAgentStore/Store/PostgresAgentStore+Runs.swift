import AgentCore
import AgentStorage
import Foundation
import PostgresNIO

extension PostgresAgentStore {
    /// See ``RunStore/insertRun(_:)``. The run is counted in the claim ledger of its agent and idempotency key (whose
    /// row lock orders it with the claims of that key), so a later claim of the key reads it.
    /// - Parameter record: The record.
    /// - Throws: ``StoreError`` with ``StoreError/Code/duplicateRunID`` if the run id exists.
    public func insertRun(_ record: RunRecord) async throws {
        let ended: [StoreChange.Kind] =
            record.status.isTerminal ? [.runEnded(id: record.id, agent: record.agentName, status: record.status)] : []
        try await write { transaction in
            try await transaction.rows(
                """
                INSERT INTO \(unescaped: table("run_keys")) AS ledger (agent, idempotency_key, claims)
                VALUES (\(record.agentName.rawValue), \(record.idempotencyKey.rawValue), 1)
                ON CONFLICT (agent, idempotency_key) DO UPDATE SET claims = ledger.claims + 1
                """)
            try await insert(record, in: transaction)
            return ((), ended)
        }
    }

    /// See ``RunStore/updateRun(_:)``.
    /// - Parameter record: The new version of the record.
    /// - Throws: ``StoreError`` with ``StoreError/Code/runNotFound``, ``StoreError/Code/invalidRecord`` or
    ///   ``StoreError/Code/terminalRecordImmutable``.
    public func updateRun(_ record: RunRecord) async throws {
        guard case .updated = try await perform(.update(record, try RunRow(record))) else {
            throw StoreError(.io, "an update of run \(record.id) was answered as another kind of write")
        }
    }

    /// See ``RunStore/run(id:)``.
    /// - Parameter id: The run id.
    /// - Returns: The record, or `nil`.
    /// - Throws: ``StoreError`` when the database cannot be read.
    public func run(id: RunID) async throws -> RunRecord? {
        let rows = try await database.rows(
            "SELECT record::text FROM \(unescaped: table("runs")) WHERE id = \(id.rawValue)")
        return try decode(rows.first, as: String.self).map { text throws(StoreError) in try RunRecordJSON.record(text) }
    }

    /// See ``RunStore/queryRuns(_:)``: a keyset page, newest first. The ended runs are read through the index that
    /// fits the filters (`runs_ended_by_agent`, `…_by_status`, `…_by_queued_at`, or `(agent, idempotency_key, id)`),
    /// the runs in progress through `runs_in_progress`, each part up to the page's size, and the two merged; a status
    /// filter leaves out the part none of its statuses can be in.
    /// - Parameter query: Filters, page size and cursor.
    /// - Returns: The page.
    /// - Throws: ``StoreError`` with ``StoreError/Code/invalidQuery`` or ``StoreError/Code/invalidCursor``.
    public func queryRuns(_ query: RunQuery) async throws -> RunPage {
        try query.validate()
        let after = try query.cursor?.runID()
        var filters = ""
        var bindings = PostgresBindings()
        func bind(_ value: some PostgresThrowingDynamicTypeEncodable) throws -> String {
            try bindings.append(value)
            return "$\(bindings.count)"
        }
        if let agent = query.agent { filters += " AND agent = \(try bind(agent.rawValue))" }
        if let statuses = query.statuses {
            filters += " AND status = ANY(\(try bind(statuses.map(\.rawValue)))::text[])"
        }
        if let key = query.idempotencyKey { filters += " AND idempotency_key = \(try bind(key.rawValue))" }
        func bindTime(_ date: Date) throws -> String {
            "\(table("ts"))(\(try bind(Timestamp.roundedToMilliseconds(date).milliseconds)))"
        }
        if let since = query.queuedSince { filters += " AND queued_at >= \(try bindTime(since))" }
        if let before = query.queuedBefore { filters += " AND queued_at < \(try bindTime(before))" }
        if let after { filters += " AND id < \(try bind(after.rawValue))" }
        let limit = try bind(Int64(query.limit + 1))
        let statuses = query.statuses ?? Set(RunStatus.allCases)
        var conditions: [String] = []
        if statuses.contains(where: \.isTerminal) { conditions.append(StatementSQL.endedRuns) }
        if statuses.contains(where: { !$0.isTerminal }) { conditions.append(StatementSQL.runsInProgress) }
        let parts = conditions.map { condition in
            "(SELECT id, record FROM \(table("runs")) WHERE \(condition)\(filters) ORDER BY id DESC LIMIT \(limit))"
        }
        guard !parts.isEmpty else { return RunPage(records: [], nextCursor: nil) }
        let sql = """
            SELECT record::text FROM (\(parts.joined(separator: " UNION ALL "))) AS page
            ORDER BY id DESC LIMIT \(limit)
            """
        let rows = try await database.rows(PostgresQuery(unsafeSQL: sql, binds: bindings))
        var records = try decodeAll(rows, as: String.self).map { text throws(StoreError) in
            try RunRecordJSON.record(text)
        }
        guard records.count > query.limit else { return RunPage(records: records, nextCursor: nil) }
        records.removeLast()
        return RunPage(records: records, nextCursor: records.last.map { .after($0.id) })
    }

    /// See ``RunStore/renewRunLease(id:owner:duration:)``: the new expiry is the database's now + `duration`. One
    /// transaction locks the run, reads it with the database's now and writes it back with the new expiry.
    /// - Parameters:
    ///   - id: The run id.
    ///   - owner: The lease owner.
    ///   - duration: The new lease length from now.
    /// - Returns: The updated record.
    /// - Throws: ``StoreError`` with ``StoreError/Code/leaseNotHeld`` or ``StoreError/Code/runNotFound``.
    public func renewRunLease(id: RunID, owner: String, duration: Duration) async throws -> RunRecord {
        let renewed: RunRecord? = try await write { transaction in
            let rows = try await transaction.rows(
                """
                WITH clock AS (SELECT \(unescaped: table("now_ms"))(\(injectedNow)) AS now)
                SELECT run.record::text, clock.now FROM \(unescaped: table("runs")) AS run, clock
                WHERE run.id = \(id.rawValue) AND run.lease_owner = \(owner)
                    AND run.status IN ('queued', 'running', 'awaitingApproval')
                FOR UPDATE OF run
                """)
            guard let (text, now) = try decode(rows.first, as: (String, Int64).self) else { return (nil, []) }
            var record = try RunRecordJSON.record(text)
            record.leaseExpiresAt = Date(milliseconds: now + duration.wholeMilliseconds)
            try await replace(record, in: transaction)
            return (record, [])
        }
        if let renewed { return renewed }
        guard let current = try await run(id: id) else { throw StoreError(.runNotFound, "no run with id \(id)") }
        if current.status.isTerminal {
            throw StoreError(.leaseNotHeld, "run \(id) already ended as \(current.status); its lease is gone")
        }
        throw StoreError(
            .leaseNotHeld, "run \(id) is leased by \(current.leaseOwner ?? "nobody"), not by \(owner)")
    }

    /// See ``RunStore/abandonExpiredRuns()``: runs whose lease expired on the database's clock.
    /// - Returns: The records that were abandoned, in run-id order.
    /// - Throws: ``StoreError`` when the database cannot be written.
    public func abandonExpiredRuns() async throws -> [RunRecord] {
        try await write { transaction in
            let rows = try await transaction.rows(
                """
                WITH clock AS (SELECT \(unescaped: table("now_ms"))(\(injectedNow)) AS now)
                SELECT run.record::text, clock.now FROM \(unescaped: table("runs")) AS run, clock
                WHERE run.status IN ('queued', 'running')
                    AND (run.lease_expires_at IS NULL OR run.lease_expires_at <= \(unescaped: table("ts"))(clock.now))
                ORDER BY run.id
                FOR UPDATE OF run SKIP LOCKED
                """)
            var abandoned: [RunRecord] = []
            for (text, now) in try decodeAll(rows, as: (String, Int64).self) {
                var record = try RunRecordJSON.record(text)
                record.markAbandoned(at: Date(milliseconds: now))
                try await replace(record, in: transaction)
                abandoned.append(record)
            }
            return (abandoned, abandoned.map { .runEnded(id: $0.id, agent: $0.agentName, status: .abandoned) })
        }
    }

    /// See ``RunStore/markRunNotified(id:)``: one statement, so exactly one caller sets `notifiedAt`.
    /// - Parameter id: The run id.
    /// - Returns: The updated record for the one caller that set it, otherwise `nil`.
    /// - Throws: ``StoreError`` when the database cannot be written.
    public func markRunNotified(id: RunID) async throws -> RunRecord? {
        guard case .notified(let record) = try await perform(.markNotified(id)) else {
            throw StoreError(.io, "marking run \(id) notified was answered as another kind of write")
        }
        return record
    }

    // MARK: Row writes

    /// Inserts a new row.
    /// - Throws: ``StoreError`` with ``StoreError/Code/duplicateRunID`` if the run id exists.
    func insert(_ record: RunRecord, in transaction: Transaction) async throws {
        let json = try RunRecordJSON.text(record)
        let rows = try await transaction.rows(
            """
            INSERT INTO \(unescaped: table("runs"))
                (id, agent, idempotency_key, status, queued_at, ended_at, lease_owner, lease_expires_at, notified_at,
                 record)
            VALUES (\(record.id.rawValue), \(record.agentName.rawValue), \(record.idempotencyKey.rawValue),
                \(record.status.rawValue), \(unescaped: table("ts"))(\(record.queuedAt.milliseconds)),
                \(unescaped: table("ts"))(\(record.endedAt?.milliseconds)), \(record.leaseOwner),
                \(unescaped: table("ts"))(\(record.leaseExpiresAt?.milliseconds)),
                \(unescaped: table("ts"))(\(record.notifiedAt?.milliseconds)), \(json)::json)
            ON CONFLICT (id) DO NOTHING
            RETURNING 1
            """)
        guard !rows.isEmpty else { throw StoreError(.duplicateRunID, "a run with id \(record.id) already exists") }
    }

    /// Replaces a row the transaction has locked (the rules were checked by the caller).
    func replace(_ record: RunRecord, in transaction: Transaction) async throws {
        let json = try RunRecordJSON.text(record)
        try await transaction.rows(
            """
            UPDATE \(unescaped: table("runs")) SET
                status = \(record.status.rawValue),
                ended_at = \(unescaped: table("ts"))(\(record.endedAt?.milliseconds)),
                lease_owner = \(record.leaseOwner),
                lease_expires_at = \(unescaped: table("ts"))(\(record.leaseExpiresAt?.milliseconds)),
                notified_at = \(unescaped: table("ts"))(\(record.notifiedAt?.milliseconds)),
                record = \(json)::json
            WHERE id = \(record.id.rawValue)
            """)
    }
}
