import Foundation
import PostgresAgentStore
import PostgresNIO

/// A plain connection for what the store does not offer: filling a table, reading the server's statistics and
/// catalogs.
struct RawConnection {
    let connection: PostgresConnection

    init(url: String) async throws {
        let parsed = try DatabaseURL(url)
        let configuration = PostgresConnection.Configuration(
            host: parsed.host, port: parsed.port, username: parsed.user, password: parsed.password,
            database: parsed.database, tls: .disable)
        connection = try await PostgresConnection.connect(
            configuration: configuration, id: 1, logger: Logger(label: "RawConnection"))
    }

    func execute(_ sql: String) async throws {
        _ = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "RawConnection"))
    }

    /// The rows updated in and the rows read by sequential scans of the schema's `runs` table, as published.
    func runStatistics(schema: String) async throws -> (updates: Int64, scanned: Int64) {
        // A transaction caches the statistics it reads; each call here is its own.
        let rows = try await connection.query(
            "SELECT n_tup_upd, seq_tup_read FROM pg_stat_user_tables WHERE schemaname = \(schema) AND relname = 'runs'",
            logger: Logger(label: "RawConnection"))
        for try await (updates, scanned) in rows.decode((Int64, Int64).self) { return (updates, scanned) }
        return (0, 0)
    }

    /// The rows the schema's `runs` table returned to index scans and to sequential scans, as published.
    func runReads(schema: String) async throws -> (indexFetched: Int64, scanned: Int64) {
        let rows = try await connection.query(
            """
            SELECT coalesce(idx_tup_fetch, 0), seq_tup_read FROM pg_stat_user_tables
            WHERE schemaname = \(schema) AND relname = 'runs'
            """,
            logger: Logger(label: "RawConnection"))
        for try await (fetched, scanned) in rows.decode((Int64, Int64).self) { return (fetched, scanned) }
        return (0, 0)
    }

    /// The keywords the server lists in the given categories of `pg_get_keywords()`.
    /// - Parameter categories: Category codes: `U` unreserved, `C` column name, `T` type or function name, `R`
    ///   reserved.
    /// - Returns: The keywords, lower-case.
    func keywords(in categories: [String]) async throws -> Set<String> {
        let rows = try await connection.query(
            "SELECT word FROM pg_get_keywords() WHERE catcode::text = ANY(\(categories))",
            logger: Logger(label: "RawConnection"))
        var words = Set<String>()
        for try await word in rows.decode(String.self) { words.insert(word) }
        return words
    }

    /// The first column of each row a query returns, as text.
    /// - Parameter sql: The query; its first column must be `text`.
    /// - Returns: The values, `NULL` as `nil`.
    func texts(_ sql: String) async throws -> [String?] {
        let rows = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "RawConnection"))
        var values: [String?] = []
        for try await row in rows { values.append(try row.decode(String?.self)) }
        return values
    }

    /// Closes the connection without waiting for the server's goodbye (a test's `defer` cannot wait).
    func closeLater() { Task { [connection] in try? await connection.close() } }
}
