import AgentCore
import Foundation
import PostgresNIO

extension PostgresAgentStore {
    /// See ``LeaseStore/acquireLease(named:owner:duration:)``: one upsert decided on the database's clock; the
    /// fencing token grows with every new holder (also after a release, whose row keeps the token).
    /// - Parameters:
    ///   - name: What to lock.
    ///   - owner: Who takes it.
    ///   - duration: How long it lasts unless renewed.
    /// - Returns: The lease, or `nil` when someone else holds a live one.
    /// - Throws: ``StoreError`` when the database cannot be written.
    public func acquireLease(named name: String, owner: String, duration: Duration) async throws -> Lease? {
        let rows = try await database.rows(
            """
            WITH clock AS (SELECT \(unescaped: table("now_ms"))(\(injectedNow)) AS now)
            INSERT INTO \(unescaped: table("leases")) AS lease (name, owner, expires_at, fencing_token)
            SELECT \(name), \(owner), \(unescaped: table("ts"))(clock.now + \(duration.wholeMilliseconds)), 1 FROM clock
            ON CONFLICT (name) DO UPDATE SET
                owner = excluded.owner,
                expires_at = excluded.expires_at,
                fencing_token = CASE
                    WHEN lease.owner = excluded.owner AND lease.expires_at > \(unescaped: table("ts"))(
                        \(unescaped: table("now_ms"))(\(injectedNow)))
                    THEN lease.fencing_token ELSE lease.fencing_token + 1 END
            WHERE lease.owner IS NULL OR lease.owner = excluded.owner
                OR lease.expires_at <= \(unescaped: table("ts"))(\(unescaped: table("now_ms"))(\(injectedNow)))
            RETURNING lease.name, lease.owner, \(unescaped: table("ms"))(lease.expires_at), lease.fencing_token
            """)
        return try decode(rows.first, as: (String, String, Int64, Int64).self).map(Self.lease)
    }

    /// See ``LeaseStore/renewLease(_:duration:)``.
    /// - Parameters:
    ///   - lease: The lease as last returned.
    ///   - duration: The new length from now.
    /// - Returns: The renewed lease.
    /// - Throws: ``StoreError`` with ``StoreError/Code/leaseNotHeld`` when the caller lost it.
    public func renewLease(_ lease: Lease, duration: Duration) async throws -> Lease {
        let rows = try await database.rows(
            """
            UPDATE \(unescaped: table("leases")) SET expires_at = \(unescaped: table("ts"))(
                \(unescaped: table("now_ms"))(\(injectedNow)) + \(duration.wholeMilliseconds))
            WHERE name = \(lease.name) AND owner = \(lease.owner) AND fencing_token = \(Int64(lease.fencingToken))
            RETURNING name, owner, \(unescaped: table("ms"))(expires_at), fencing_token
            """)
        guard let row = try decode(rows.first, as: (String, String, Int64, Int64).self) else {
            throw StoreError(
                .leaseNotHeld, "lease \"\(lease.name)\" is no longer held by \(lease.owner); acquire it again")
        }
        return Self.lease(row)
    }

    /// See ``LeaseStore/releaseLease(_:)``; the row stays (without owner) so the fencing token keeps growing.
    /// - Parameter lease: The lease.
    /// - Throws: ``StoreError`` when the database cannot be written.
    public func releaseLease(_ lease: Lease) async throws {
        try await database.rows(
            """
            UPDATE \(unescaped: table("leases")) SET owner = NULL, expires_at = NULL
            WHERE name = \(lease.name) AND owner = \(lease.owner) AND fencing_token = \(Int64(lease.fencingToken))
            """)
    }

    /// See ``LeaseStore/lease(named:)``.
    /// - Parameter name: What is locked.
    /// - Returns: The live lease on the database's clock, if any.
    /// - Throws: ``StoreError`` when the database cannot be read.
    public func lease(named name: String) async throws -> Lease? {
        let rows = try await database.rows(
            """
            SELECT name, owner, \(unescaped: table("ms"))(expires_at), fencing_token FROM \(unescaped: table("leases"))
            WHERE name = \(name) AND owner IS NOT NULL
                AND expires_at > \(unescaped: table("ts"))(\(unescaped: table("now_ms"))(\(injectedNow)))
            """)
        return try decode(rows.first, as: (String, String, Int64, Int64).self).map(Self.lease)
    }

    private static func lease(_ row: (String, String, Int64, Int64)) -> Lease {
        Lease(
            name: row.0, owner: row.1, expiresAt: Date(milliseconds: row.2),
            fencingToken: UInt64(clamping: row.3))
    }
}
