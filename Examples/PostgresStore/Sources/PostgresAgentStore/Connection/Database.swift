import AgentCore
import Foundation
import PostgresNIO

/// The store's way to PostgreSQL: a small pool of connections (``PostgresClient``), single connections for
/// migrations and for LISTEN, and the translation of every driver error into a ``StoreError`` that names the host
/// and database (never the password).
final class Database: Sendable {
    let url: DatabaseURL
    let client: PostgresClient
    let logger: Logger
    private let runner: Task<Void, Never>

    /// Creates the pool and starts its background task; no connection is made until the first query.
    /// - Parameters:
    ///   - url: Where the database is.
    ///   - maximumConnections: The pool's size.
    ///   - searchPath: The schema the pool's connections resolve unqualified names in (the prepared statements'), if
    ///     any.
    /// - Throws: ``StoreError`` when TLS cannot be set up.
    init(url: DatabaseURL, maximumConnections: Int, searchPath: String? = nil) throws(StoreError) {
        self.url = url
        var logger = Logger(label: "PostgresAgentStore")
        logger.logLevel = .critical
        self.logger = logger
        var configuration = PostgresClient.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password, database: url.database,
            tls: try Self.clientTLS(url.tlsMode))
        configuration.options.maximumConnections = max(1, maximumConnections)
        configuration.options.minimumConnections = 0
        configuration.options.connectTimeout = .seconds(5)
        // Every statement of the store reaches `runs` and the other growing tables through an index. A connection
        // keeps a prepared statement's generic plan, made when the statement is first prepared: if the table was
        // nearly empty then, the plan scans it whole, and goes on doing so after the table has grown (measured: an
        // update batch read 15,000 rows of a 40,000-row table). With sequential scans disabled the planner takes
        // the index whatever the table's size; a statement with no index to use still scans.
        var startupParameters = [("enable_seqscan", "off")]
        if let searchPath { startupParameters.append(("search_path", searchPath)) }
        configuration.options.additionalStartupParameters = startupParameters
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        runner = Task { await client.run() }
    }

    deinit { runner.cancel() }

    /// Stops the pool; queries after this fail.
    func close() { runner.cancel() }

    /// Runs one statement on a pooled connection and collects its rows.
    /// - Parameter query: The statement.
    /// - Returns: The rows.
    /// - Throws: ``StoreError`` (see ``storeError(_:)``).
    @discardableResult
    func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        do {
            var rows: [PostgresRow] = []
            for try await row in try await client.query(query, logger: logger) { rows.append(row) }
            return rows
        } catch {
            throw storeError(error)
        }
    }

    /// Runs a prepared statement on a pooled connection (prepared there the first time) and collects its rows.
    /// - Parameter statement: The statement.
    /// - Returns: The decoded rows.
    /// - Throws: ``StoreError`` (see ``storeError(_:)``).
    func execute<Statement: PostgresPreparedStatement>(_ statement: Statement) async throws -> [Statement.Row] {
        do {
            var rows: [Statement.Row] = []
            for try await row in try await client.execute(statement, logger: logger) { rows.append(row) }
            return rows
        } catch {
            throw storeError(error)
        }
    }

    /// Runs `body` in a transaction on one pooled connection: committed when it returns, rolled back when it throws.
    /// - Parameter body: The statements; use ``Transaction/rows(_:)``.
    /// - Returns: What `body` returned.
    /// - Throws: What `body` threw (a ``StoreError`` passes through unchanged), or a ``StoreError`` for the driver.
    func transaction<Result: Sendable>(_ body: (Transaction) async throws -> Result) async throws -> Result {
        do {
            return try await client.withConnection { connection in
                let transaction = Transaction(connection: connection, logger: logger)
                try await transaction.rows("BEGIN")
                do {
                    let result = try await body(transaction)
                    try await transaction.rows("COMMIT")
                    return result
                } catch {
                    _ = try? await transaction.rows("ROLLBACK")
                    throw error
                }
            }
        } catch {
            throw storeError(error)
        }
    }

    /// Opens a connection outside the pool (migrations, LISTEN).
    /// - Returns: The connection; close it when done.
    /// - Throws: ``StoreError`` with ``StoreError/Code/unavailable`` naming the host and database.
    func connect() async throws -> PostgresConnection {
        do {
            var configuration = PostgresConnection.Configuration(
                host: url.host, port: url.port, username: url.user, password: url.password, database: url.database,
                tls: try Self.connectionTLS(url.tlsMode))
            configuration.options.connectTimeout = .seconds(5)
            return try await PostgresConnection.connect(
                configuration: configuration, id: Int.random(in: 1...Int(Int32.max)), logger: logger)
        } catch {
            throw storeError(error)
        }
    }

    /// Translates a driver error into a ``StoreError`` that says where and what (a ``StoreError`` passes through).
    /// - Parameter error: The error.
    /// - Returns: The store error (or a `CancellationError` unchanged).
    func storeError(_ error: any Error) -> any Error {
        if error is StoreError || error is CancellationError { return error }
        if let transaction = error as? PostgresTransactionError {
            if let inner = transaction.closureError ?? transaction.beginError ?? transaction.commitError {
                return storeError(inner)
            }
        }
        let place = "PostgreSQL at \(url.host):\(url.port), database \"\(url.database)\""
        guard let psql = error as? PSQLError else {
            return StoreError(.unavailable, "cannot reach \(place): \(error); check that the server is running")
        }
        if psql.code == .server, let state = psql.serverInfo?[.sqlState] {
            let message = psql.serverInfo?[.message] ?? "server error"
            switch state {
            case "28P01", "28000":
                return StoreError(
                    .unavailable,
                    "\(place) refused user \"\(url.user)\": \(message); check the user and password of the database URL"
                )
            case "3D000":
                return StoreError(
                    .unavailable, "\(place) does not exist: \(message); create it (createdb) or fix the database URL")
            case "23505":
                return StoreError(.invalidRecord, "\(place): \(message)")
            case "57P01", "57P02", "57P03", "08000", "08003", "08006":
                return StoreError(.unavailable, "\(place) is not available: \(message); retry when it is back")
            default:
                return StoreError(.io, "\(place) answered an error (SQLSTATE \(state)): \(message)")
            }
        }
        let underlying = psql.underlying.map { ": \($0)" } ?? ""
        return StoreError(
            .unavailable, "cannot reach \(place) (\(psql.code))\(underlying); check that the server is running")
    }

    private static func clientTLS(_ mode: DatabaseURL.TLSMode) throws(StoreError) -> PostgresClient.Configuration.TLS {
        switch mode {
        case .disable: .disable
        case .prefer: .prefer(.makeClientConfiguration())
        case .require: .require(.makeClientConfiguration())
        }
    }

    private static func connectionTLS(_ mode: DatabaseURL.TLSMode) throws -> PostgresConnection.Configuration.TLS {
        switch mode {
        case .disable: return .disable
        case .prefer: return .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: return .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
    }
}

/// One open transaction's connection: statements run in order on it.
struct Transaction {
    let connection: PostgresConnection
    let logger: Logger

    /// Runs one statement and collects its rows.
    /// - Parameter query: The statement.
    /// - Returns: The rows.
    @discardableResult
    func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        var rows: [PostgresRow] = []
        for try await row in try await connection.query(query, logger: logger) { rows.append(row) }
        return rows
    }
}
