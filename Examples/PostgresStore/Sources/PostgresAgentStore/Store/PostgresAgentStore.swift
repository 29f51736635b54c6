import AgentCore
import Foundation
import PostgresNIO
import Synchronization

/// An ``AgentStore`` on PostgreSQL that several runner processes on several hosts share.
///
/// ```swift
/// let store = try await PostgresAgentStore.open(url: "postgres://agents:secret@db:5432/agents?sslmode=require")
/// let runner = try AgentRunner(agents: agents, store: store)
/// ```
///
/// - The claim of a run is one transaction that locks the claim ledger's row of the agent and idempotency key,
///   so exactly one claimant wins; the ledger outlives history retention, so a pruned fire never runs again.
/// - Every "now" that decides lease expiry or ownership is the database's clock (`clock_timestamp()`), never a
///   node's; tests may inject a ``ManualClock`` instead (``Options/clock``).
/// - The change feed has gapless sequence numbers; writes NOTIFY the store's channel so waiters wake at once, and
///   waiters also poll (``Options/pollInterval``), because NOTIFY is lost on reconnect and behind poolers.
/// - When the server cannot be reached every call throws ``StoreError`` with ``StoreError/Code/unavailable`` naming
///   the host and database; the pool reconnects by itself once the server is back.
public final class PostgresAgentStore: AgentStore {
    /// How a store is opened.
    public struct Options: Sendable {
        /// The PostgreSQL schema holding the tables (created if missing); several stores can share a database
        /// under different schemas.
        public var schema: String
        /// The most connections the pool opens (one more is used for LISTEN).
        public var maximumConnections: Int
        /// The clock that decides lease expiry and every other "now": `nil` (the default) for the database's clock.
        /// Tests pass a ``ManualClock``.
        public var clock: (any AgentClock)?
        /// How often a waiter for changes looks at the database when no notification came.
        public var pollInterval: Duration
        /// Which finished runs ``pruneHistory(batchSize:)`` removes.
        public var retention: RunRetention
        /// How long change-feed entries are kept for readers that fell behind.
        public var changeRetention: Duration
        /// How often the store runs ``pruneHistory(batchSize:)`` by itself; `nil` (the default) never. Set it in the
        /// processes that schedule runs.
        public var maintenanceInterval: Duration?

        /// The defaults: schema `agent_runner`, 8 connections, the database's clock, polling every 500 ms, keep
        /// every run, keep changes for a day.
        public init(
            schema: String = "agent_runner", maximumConnections: Int = 8, clock: (any AgentClock)? = nil,
            pollInterval: Duration = .milliseconds(500), retention: RunRetention = .keepEverything,
            changeRetention: Duration = .seconds(86_400), maintenanceInterval: Duration? = nil
        ) {
            self.schema = schema
            self.maximumConnections = maximumConnections
            self.clock = clock
            self.pollInterval = pollInterval
            self.retention = retention
            self.changeRetention = changeRetention
            self.maintenanceInterval = maintenanceInterval
        }
    }

    let database: Database
    let schema: SchemaName
    /// The options the store was opened with.
    public let options: Options
    let signal = WakeSignal()
    /// The newest changes as this process's notifications carried them.
    let recentChanges = RecentChanges()
    let listener: ChangeListener
    /// Combines the run writes of this process's tasks into batches.
    let runWrites: RunWriteBatcher
    private let maintenance = Mutex<Task<Void, Never>?>(nil)

    private init(database: Database, schema: SchemaName, options: Options) {
        self.database = database
        self.schema = schema
        self.options = options
        listener = ChangeListener(
            database: database, channel: schema.channel, signal: signal, recent: recentChanges)
        // One batch at a time (it may use three connections: claims, updates, notifications): the writes that come
        // meanwhile make the next batch bigger, which measured faster than two smaller batches at once.
        runWrites = RunWriteBatcher(maximumBatchesInFlight: 1)
    }

    deinit {
        maintenance.withLock { $0?.cancel() }
        listener.stop()
        database.close()
    }

    /// Connects, applies the missing schema migrations (under an advisory lock, safe when several nodes open at
    /// once) and returns the store.
    /// - Parameters:
    ///   - url: The database URL, `postgres://user:password@host:port/database?sslmode=disable|prefer|require`.
    ///   - options: Schema, pool size, clock, polling and retention.
    /// - Returns: The store.
    /// - Throws: ``StoreError``: ``StoreError/Code/invalidRecord`` for a bad URL or schema name,
    ///   ``StoreError/Code/unavailable`` naming host and database when the server cannot be reached or refuses the
    ///   login, ``StoreError/Code/unsupportedFormatVersion`` when the schema is newer than this code.
    public static func open(url: String, options: Options = Options()) async throws -> PostgresAgentStore {
        try await open(url: DatabaseURL(url), options: options)
    }

    /// Opens a store at a parsed URL; see ``open(url:options:)-(String,_)``.
    /// - Parameters:
    ///   - url: The database.
    ///   - options: Schema, pool size, clock, polling and retention.
    /// - Returns: The store.
    /// - Throws: ``StoreError`` as for the URL text.
    public static func open(url: DatabaseURL, options: Options = Options()) async throws -> PostgresAgentStore {
        let schema = try SchemaName(options.schema)
        let database = try Database(url: url, maximumConnections: options.maximumConnections, searchPath: schema.name)
        do {
            try await SchemaMigrations.migrate(database, schema: schema)
        } catch {
            database.close()
            throw error
        }
        let store = PostgresAgentStore(database: database, schema: schema, options: options)
        if let interval = options.maintenanceInterval { store.startMaintenance(every: interval) }
        return store
    }

    /// Prunes history now and then every `interval` until the store is closed; a failed pass (the server is down)
    /// is tried again at the next one.
    private func startMaintenance(every interval: Duration) {
        let clock = options.clock ?? SystemClock()
        let task = Task { [weak self] in
            while !Task.isCancelled {
                _ = try? await self?.pruneHistory()
                try? await clock.sleep(until: clock.now.addingTimeInterval(Double(interval.wholeMilliseconds) / 1000))
            }
        }
        maintenance.withLock { $0 = task }
    }

    /// Closes the pool and the listening connection; calls after this fail.
    public func close() {
        maintenance.withLock { $0?.cancel() }
        listener.stop()
        database.close()
    }

    /// Removes a store's schema with all its tables and data (for throw-away test schemas and uninstalling); the
    /// next ``open(url:options:)-(String,_)`` with that schema starts empty.
    /// - Parameters:
    ///   - url: The database.
    ///   - schema: The schema to remove.
    /// - Throws: ``StoreError`` for a bad URL or schema name, or when the database cannot be reached.
    public static func removeSchema(url: String, schema: String) async throws {
        let name = try SchemaName(schema)
        let database = try Database(url: try DatabaseURL(url), maximumConnections: 1)
        defer { database.close() }
        try await database.rows("DROP SCHEMA IF EXISTS \(unescaped: name.name) CASCADE")
    }

    /// Where the store is: `postgres://user@host:port/database (schema agent_runner)`, without the password.
    public var location: String { "\(database.url) (schema \(schema.name))" }

    /// The schema version of the database.
    /// - Returns: The newest applied migration.
    /// - Throws: ``StoreError`` when the database cannot be read.
    public func schemaVersion() async throws -> Int {
        let rows = try await database.rows(
            "SELECT coalesce(max(version), 0) FROM \(unescaped: schema("schema_migrations"))")
        return try decode(rows.first, as: Int.self) ?? 0
    }

    // MARK: Helpers shared by the extensions

    /// The injected clock's now in milliseconds, or `nil` for the database's clock (`now_ms(NULL)`).
    var injectedNow: Int64? { options.clock.map { Timestamp.milliseconds($0.now) } }

    /// A qualified table or function name for SQL.
    func table(_ name: String) -> String { schema(name) }

    /// Decodes one row's columns, turning a decoding failure into ``StoreError/Code/corruptData``.
    func decode<each Column: PostgresDecodable>(_ row: PostgresRow?, as type: (repeat each Column).Type) throws
        -> (repeat each Column)?
    {
        guard let row else { return nil }
        do {
            return try row.decode(type)
        } catch {
            throw StoreError(.corruptData, "a row of \(location) cannot be read: \(error)")
        }
    }

    /// Decodes the columns of several rows.
    func decodeAll<each Column: PostgresDecodable>(_ rows: [PostgresRow], as type: (repeat each Column).Type) throws
        -> [(repeat each Column)]
    {
        var decoded: [(repeat each Column)] = []
        decoded.reserveCapacity(rows.count)
        for row in rows {
            do {
                decoded.append(try row.decode(type))
            } catch {
                throw StoreError(.corruptData, "a row of \(location) cannot be read: \(error)")
            }
        }
        return decoded
    }

    /// Appends changes to the feed inside a transaction (its last statement, so the counter row's lock is held only
    /// until the commit) and announces them on the store's channel when the transaction commits.
    /// - Parameters:
    ///   - kinds: The changes, in order.
    ///   - transaction: The open transaction.
    func appendChanges(_ kinds: [StoreChange.Kind], in transaction: Transaction) async throws {
        guard !kinds.isEmpty else { return }
        let bodies = try kinds.map(ChangeBody.json)
        try await transaction.rows(
            """
            WITH entry AS (
                SELECT body::jsonb AS body, position FROM unnest(\(bodies)::text[]) WITH ORDINALITY AS entry(body, position)
            ), \(unescaped: feedAppend(from: "entry", body: "entry.body", order: "entry.position"))
            SELECT count(*) FROM feed_notice
            """)
    }

    /// ``StatementSQL/feedAppend(from:body:order:announcing:table:channel:)`` with this store's qualified names and channel.
    /// - Parameters:
    ///   - source: The name of a CTE earlier in the statement, one row per change.
    ///   - body: The SQL of one change's JSON body (`jsonb`) from a row of `source`.
    ///   - order: The SQL that orders the changes of the statement.
    /// - Returns: The common table expressions.
    func feedAppend(from source: String, body: String, order: String) -> String {
        StatementSQL.feedAppend(
            from: source, body: body, order: order, table: { self.table($0) }, channel: "'\(schema.channel)'")
    }

    /// Runs a transaction that appends changes, then wakes this process's waiters.
    func write<Result: Sendable>(_ body: (Transaction) async throws -> (Result, [StoreChange.Kind])) async throws
        -> Result
    {
        let (result, changed) = try await database.transaction { transaction in
            let (result, kinds) = try await body(transaction)
            try await appendChanges(kinds, in: transaction)
            return (result, !kinds.isEmpty)
        }
        if changed { signal.wake() }
        return result
    }
}

/// An agent name read from the database.
/// - Throws: ``StoreError`` with ``StoreError/Code/corruptData`` when it is not a valid name.
func storedAgentName(_ text: String) throws -> AgentName {
    do {
        return try AgentName(text)
    } catch {
        throw StoreError(.corruptData, "the stored agent name \"\(text)\" is not valid: \(error)")
    }
}

extension Date {
    /// Milliseconds since 1970, the precision records keep.
    var milliseconds: Int64 { Timestamp.milliseconds(self) }

    /// The date of a millisecond count.
    init(milliseconds: Int64) { self.init(timeIntervalSince1970: Double(milliseconds) / 1000) }
}

extension Duration {
    /// Whole milliseconds, rounded.
    var wholeMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + Int64((Double(attoseconds) / 1e15).rounded())
    }
}
