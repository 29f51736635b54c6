import AgentCore
import Foundation
import PostgresNIO

/// The PostgreSQL store keeps plan runs and approval requests (`plan_runs`, `approvals`), so plans, approvals and
/// their commands work on it.
extension PostgresAgentStore: WorkflowStore {}

extension PostgresAgentStore {
    /// See ``PlanStore/createPlanRun(_:)``: one statement creates the run or returns the one with its id (an upsert
    /// that changes nothing in an existing row), so exactly one of any number of concurrent creates creates it. The
    /// times are the database's now.
    /// - Parameter run: The new run.
    /// - Returns: The stored run and whether this call created it.
    /// - Throws: ``StoreError`` with ``StoreError/Code/invalidRecord`` for a run without tasks or with a bad id
    ///   (unless a run with its id exists: then that run).
    public func createPlanRun(_ run: PlanRun) async throws -> (run: PlanRun, created: Bool) {
        var stored: PlanRun
        do {
            stored = try run.validatedForStorage()
        } catch {
            if let existing = try await planRun(id: run.id) { return (existing, false) }
            throw error
        }
        stored.version = 1
        let body = try WorkflowRecordCodec.json(stored)
        let ended = stored.endedAt?.milliseconds
        return try await write { transaction in
            let rows = try await transaction.rows(
                """
                WITH clock AS (SELECT \(unescaped: table("now_ms"))(\(injectedNow)) AS now)
                INSERT INTO \(unescaped: table("plan_runs")) AS existing
                    (id, plan, business_date, status, created_at, updated_at, ended_at, version, body)
                SELECT \(stored.id), \(stored.plan), \(stored.businessDate.description), \(stored.status.rawValue),
                    \(unescaped: table("ts"))(clock.now), \(unescaped: table("ts"))(clock.now),
                    \(unescaped: table("ts"))(\(ended)), 1,
                    \(body)::jsonb || jsonb_build_object(
                        'createdAt', \(unescaped: table("iso"))(clock.now),
                        'updatedAt', \(unescaped: table("iso"))(clock.now))
                FROM clock
                ON CONFLICT (id) DO UPDATE SET version = existing.version
                RETURNING existing.xmax = 0, existing.body::text
                """)
            guard let (created, text) = try decode(rows.first, as: (Bool, String).self) else {
                throw StoreError(.io, "the plan runs of \(location) returned no row for \(stored.id)")
            }
            let result = try WorkflowRecordCodec.record(PlanRun.self, text)
            return ((result, created), created ? [.planRun(result)] : [])
        }
    }

    /// See ``PlanStore/replacePlanRun(_:expectedVersion:)``: one compare-and-set statement on `version` (and on the
    /// plan and business date, which never change); `updatedAt` is the database's now.
    /// - Parameters:
    ///   - run: The new version.
    ///   - expectedVersion: The version the caller read.
    /// - Returns: The run as stored.
    /// - Throws: ``StoreError`` with ``StoreError/Code/versionConflict``, ``StoreError/Code/planRunNotFound`` or
    ///   ``StoreError/Code/invalidRecord``.
    public func replacePlanRun(_ run: PlanRun, expectedVersion: UInt64) async throws -> PlanRun {
        var stored = try run.validatedForStorage()
        stored.version = expectedVersion + 1
        let body = try WorkflowRecordCodec.json(stored)
        let ended = stored.endedAt?.milliseconds
        let replaced = try await write { transaction -> (PlanRun?, [StoreChange.Kind]) in
            let rows = try await transaction.rows(
                """
                WITH clock AS (SELECT \(unescaped: table("now_ms"))(\(injectedNow)) AS now)
                UPDATE \(unescaped: table("plan_runs")) AS run SET
                    status = \(stored.status.rawValue),
                    updated_at = \(unescaped: table("ts"))(clock.now),
                    ended_at = \(unescaped: table("ts"))(\(ended)),
                    version = run.version + 1,
                    body = \(body)::jsonb || jsonb_build_object(
                        'createdAt', run.body -> 'createdAt', 'updatedAt', \(unescaped: table("iso"))(clock.now))
                FROM clock
                WHERE run.id = \(stored.id) AND run.version = \(Int64(expectedVersion))
                    AND run.plan = \(stored.plan) AND run.business_date = \(stored.businessDate.description)
                RETURNING run.body::text
                """)
            guard let text = try decode(rows.first, as: String.self) else { return (nil, []) }
            let result = try WorkflowRecordCodec.record(PlanRun.self, text)
            return (result, [.planRun(result)])
        }
        if let replaced { return replaced }
        // Nothing replaced: say why, in the order of the other stores.
        guard let current = try await planRun(id: run.id) else {
            throw StoreError(.planRunNotFound, "no plan run with id \(run.id); create it first")
        }
        guard current.version == expectedVersion else {
            throw StoreError(
                .versionConflict,
                "plan run \(run.id) is at version \(current.version), not \(expectedVersion): it was changed meanwhile; read it again"
            )
        }
        throw StoreError(.invalidRecord, "plan run \(run.id): the plan and business date of a run cannot change")
    }

    /// See ``PlanStore/planRun(id:)``.
    /// - Parameter id: The plan run's id.
    /// - Returns: The run, or `nil`.
    /// - Throws: ``StoreError`` when the database cannot be read.
    public func planRun(id: String) async throws -> PlanRun? {
        let rows = try await database.rows(
            "SELECT body::text FROM \(unescaped: table("plan_runs")) WHERE id = \(id)")
        return try decode(rows.first, as: String.self).map { try WorkflowRecordCodec.record(PlanRun.self, $0) }
    }

    /// See ``PlanStore/planRuns(plan:statuses:limit:)``: newest first, served by the indexes on
    /// `(created_at, id)`, `(plan, created_at, id)` and `(status, created_at, id)`.
    /// - Parameters:
    ///   - plan: Only this plan's runs.
    ///   - statuses: Only these statuses.
    ///   - limit: The most to return.
    /// - Returns: The runs.
    /// - Throws: ``StoreError`` when the database cannot be read.
    public func planRuns(plan: String?, statuses: Set<PlanRunStatus>?, limit: Int) async throws -> [PlanRun] {
        let statusNames = statuses.map { $0.map(\.rawValue).sorted() }
        let rows = try await database.rows(
            """
            SELECT body::text FROM \(unescaped: table("plan_runs"))
            WHERE (\(plan)::text IS NULL OR plan = \(plan))
                AND (\(statusNames)::text[] IS NULL OR status = ANY(\(statusNames)::text[]))
            ORDER BY created_at DESC, id DESC
            LIMIT \(Int64(max(0, limit)))
            """)
        return try decodeAll(rows, as: String.self).map { try WorkflowRecordCodec.record(PlanRun.self, $0) }
    }
}
