import AgentCore
import PostgresNIO

/// The versioned schema of the store. Each migration runs once, in its own transaction, in version order; the
/// versions applied are recorded in `<schema>.schema_migrations`. Opening a store applies the missing ones under an
/// advisory lock, so several nodes that open the same database at once migrate it once; a database whose schema is
/// newer than this code is refused.
enum SchemaMigrations {
    /// One migration.
    struct Migration: Sendable {
        let version: Int
        let description: String
        let statements: @Sendable (SchemaName) -> [String]
    }

    /// The newest schema version this code knows.
    static var latestVersion: Int { migrations.map(\.version).max() ?? 0 }

    /// Every migration, oldest first.
    static let migrations: [Migration] = [
        Migration(version: 1, description: "runs, claim ledger, leases, schedule states, presence, requests, changes") {
            schema in
            let s = schema
            return [
                // Time helpers: records keep millisecond precision; the database's clock is the store's clock.
                """
                CREATE FUNCTION \(s("ts"))(milliseconds bigint) RETURNS timestamptz LANGUAGE sql IMMUTABLE
                AS $$ SELECT to_timestamp(milliseconds::numeric / 1000) $$
                """,
                """
                CREATE FUNCTION \(s("ms"))(moment timestamptz) RETURNS bigint LANGUAGE sql IMMUTABLE
                AS $$ SELECT round(extract(epoch FROM moment) * 1000)::bigint $$
                """,
                """
                CREATE FUNCTION \(s("now_ms"))(injected bigint) RETURNS bigint LANGUAGE sql VOLATILE
                AS $$ SELECT coalesce(injected, round(extract(epoch FROM clock_timestamp()) * 1000)::bigint) $$
                """,
                """
                CREATE FUNCTION \(s("iso"))(milliseconds bigint) RETURNS text LANGUAGE sql IMMUTABLE
                AS $$ SELECT to_char(to_timestamp(milliseconds::numeric / 1000) AT TIME ZONE 'UTC',
                                     'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$
                """,
                // Run history: one row per run; `record` is the whole RunRecord as JSON, the other columns are
                // copies of its fields for filtering, paging and the claim.
                """
                CREATE TABLE \(s("runs")) (
                    id text PRIMARY KEY,
                    agent text NOT NULL,
                    idempotency_key text NOT NULL,
                    status text NOT NULL,
                    queued_at timestamptz NOT NULL,
                    ended_at timestamptz,
                    lease_owner text,
                    lease_expires_at timestamptz,
                    notified_at timestamptz,
                    record jsonb NOT NULL
                )
                """,
                "CREATE INDEX runs_by_agent ON \(s("runs")) (agent, id)",
                "CREATE INDEX runs_by_status ON \(s("runs")) (status, id)",
                "CREATE INDEX runs_by_key ON \(s("runs")) (agent, idempotency_key, id)",
                "CREATE INDEX runs_by_queued_at ON \(s("runs")) (queued_at, id)",
                """
                CREATE INDEX runs_by_lease_expiry ON \(s("runs")) (lease_expires_at)
                WHERE status IN ('queued', 'running')
                """,
                // The claim ledger: one row per agent and idempotency key ever claimed. Its row lock serializes
                // the claims of one key; `retired` keeps, per status, the newest run that retention removed, so a
                // pruned fire never becomes runnable again.
                """
                CREATE TABLE \(s("run_keys")) (
                    agent text NOT NULL,
                    idempotency_key text NOT NULL,
                    claims bigint NOT NULL DEFAULT 0,
                    retired jsonb NOT NULL DEFAULT '{}',
                    PRIMARY KEY (agent, idempotency_key)
                )
                """,
                """
                CREATE TABLE \(s("leases")) (
                    name text PRIMARY KEY,
                    owner text,
                    expires_at timestamptz,
                    fencing_token bigint NOT NULL
                )
                """,
                """
                CREATE TABLE \(s("schedule_states")) (
                    agent text PRIMARY KEY,
                    next_fire_at timestamptz,
                    last_fire_at timestamptz,
                    is_paused boolean NOT NULL,
                    paused_reason text,
                    consecutive_failures integer NOT NULL,
                    version bigint NOT NULL
                )
                """,
                """
                CREATE TABLE \(s("presences")) (
                    id text PRIMARY KEY,
                    host text NOT NULL,
                    process_id integer NOT NULL,
                    role text NOT NULL,
                    agents text[] NOT NULL,
                    started_at timestamptz NOT NULL,
                    last_heartbeat_at timestamptz NOT NULL,
                    expires_at timestamptz NOT NULL
                )
                """,
                """
                CREATE TABLE \(s("requests")) (
                    id text PRIMARY KEY,
                    position bigserial UNIQUE,
                    state text NOT NULL,
                    requested_by text NOT NULL,
                    taken_by text,
                    requested_at timestamptz NOT NULL,
                    completed_at timestamptz,
                    body jsonb NOT NULL
                )
                """,
                "CREATE INDEX requests_by_state ON \(s("requests")) (state, requested_at, position)",
                // The change feed: gapless sequence numbers handed out under the counter row's lock, so changes
                // become visible in sequence order.
                """
                CREATE TABLE \(s("change_counter")) (
                    id integer PRIMARY KEY CHECK (id = 1),
                    last bigint NOT NULL
                )
                """,
                "INSERT INTO \(s("change_counter")) (id, last) VALUES (1, 0)",
                """
                CREATE TABLE \(s("changes")) (
                    sequence bigint PRIMARY KEY,
                    recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                    body jsonb NOT NULL
                )
                """,
            ]
        },
        workflows,
        scheduleOverride,
        candidates,
        claimLedger,
        requestTimes,
        endedRunIndexes,
        recordText,
    ]

    /// Brings the schema to ``latestVersion`` under the schema's advisory lock.
    /// - Parameters:
    ///   - database: The database.
    ///   - schema: The schema.
    /// - Returns: The schema version afterwards.
    /// - Throws: ``StoreError`` with ``StoreError/Code/unsupportedFormatVersion`` for a newer schema, or
    ///   ``StoreError/Code/unavailable`` when the server cannot be reached.
    @discardableResult
    static func migrate(_ database: Database, schema: SchemaName) async throws -> Int {
        let connection = try await database.connect()
        // Closing the session also releases the advisory lock if a step fails.
        do {
            let version = try await migrate(
                on: Transaction(connection: connection, logger: database.logger), database, schema)
            try? await connection.close()
            return version
        } catch {
            try? await connection.close()
            throw database.storeError(error)
        }
    }

    private static func migrate(on session: Transaction, _ database: Database, _ schema: SchemaName) async throws -> Int
    {
        do {
            try await session.rows("SELECT pg_advisory_lock(\(schema.migrationLockKey))")
            try await session.rows("CREATE SCHEMA IF NOT EXISTS \(unescaped: schema.name)")
            try await session.rows(
                """
                CREATE TABLE IF NOT EXISTS \(unescaped: schema("schema_migrations")) (
                    version integer PRIMARY KEY,
                    description text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """)
            let rows = try await session.rows(
                "SELECT coalesce(max(version), 0) FROM \(unescaped: schema("schema_migrations"))")
            var current = try rows.first?.decode(Int.self) ?? 0
            guard current <= latestVersion else {
                throw StoreError(
                    .unsupportedFormatVersion,
                    "the schema \"\(schema.name)\" in \(database.url) is at version \(current), newer than the "
                        + "\(latestVersion) this program knows; upgrade the program (never downgrade a shared database)"
                )
            }
            for migration in migrations where migration.version > current {
                try await session.rows("BEGIN")
                do {
                    for statement in migration.statements(schema) {
                        try await session.rows(PostgresQuery(unsafeSQL: statement))
                    }
                    try await session.rows(
                        """
                        INSERT INTO \(unescaped: schema("schema_migrations")) (version, description)
                        VALUES (\(migration.version), \(migration.description))
                        """)
                    try await session.rows("COMMIT")
                } catch {
                    _ = try? await session.rows("ROLLBACK")
                    throw error
                }
                current = migration.version
            }
            _ = try await session.rows("SELECT pg_advisory_unlock(\(schema.migrationLockKey))")
            return current
        } catch {
            throw database.storeError(error)
        }
    }
}
