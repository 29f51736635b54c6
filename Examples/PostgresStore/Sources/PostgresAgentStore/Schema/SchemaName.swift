import AgentCore

/// The PostgreSQL schema (namespace) that holds a store's tables, checked so that it can be written into SQL.
struct SchemaName: Sendable, Hashable {
    /// The name, lower-case letters, digits and underscores.
    let name: String

    /// Checks a schema name.
    /// - Parameter name: The name.
    /// - Throws: ``StoreError`` with ``StoreError/Code/invalidRecord`` for anything but `[a-z_][a-z0-9_]{0,62}`, for
    ///   the names PostgreSQL reserves for its own schemas (`pg_…`, `information_schema`), and for the SQL keywords
    ///   that cannot name a schema unquoted (``reservedWords``).
    init(_ name: String) throws(StoreError) {
        let allowed = name.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 }
        guard allowed, let first = name.utf8.first, !(first >= 48 && first <= 57), name.utf8.count <= 63 else {
            throw StoreError(
                .invalidRecord,
                "\"\(name)\" is not a usable PostgreSQL schema name; use 1-63 lower-case letters, digits and "
                    + "underscores, not starting with a digit")
        }
        guard !name.hasPrefix("pg_"), name != "information_schema" else {
            throw StoreError(
                .invalidRecord,
                "\"\(name)\" is not a usable PostgreSQL schema name: PostgreSQL reserves it (and every name starting "
                    + "with pg_) for its own catalogs; choose another name, such as agent_runner")
        }
        guard !Self.reservedWords.contains(name) else {
            throw StoreError(
                .invalidRecord,
                "\"\(name)\" is not a usable PostgreSQL schema name: it is a reserved SQL keyword; choose another "
                    + "name, such as \(name)_runs")
        }
        self.name = name
    }

    /// `name.table`, for SQL.
    /// - Parameter table: A table or function of the schema.
    /// - Returns: The qualified name.
    func callAsFunction(_ table: String) -> String { "\(name).\(table)" }

    /// The channel on which writes to this schema's change feed are announced (NOTIFY).
    var channel: String { "\(name)_changes" }

    /// The key of the advisory lock that serializes migrations of this schema.
    var migrationLockKey: Int64 {
        // FNV-1a: stable across processes and versions (unlike Hasher).
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "agent-runner-migrations:\(name)".utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return Int64(bitPattern: hash)
    }
}
