import AgentCore
import AgentStorage
import Foundation
import Testing

@testable import PostgresAgentStore

/// Migration 8 turns `runs.record` from `jsonb` into the JSON text the store writes (`json`): the runs a version-7
/// store wrote read back unchanged, a run it retired still settles its key, and a claim on the migrated schema stores
/// its lease expiry once, from the database's clock.
@Suite(TestDatabase.available) struct RecordTextMigrationTests {
    /// A record with the fields and characters that a round trip through `jsonb` and back to text could change.
    static func record(_ number: Int, key: Int? = nil, status: RunStatus) throws -> RunRecord {
        let queued = Date(timeIntervalSince1970: 1_764_000_000.123 + Double(number))
        let request = AgentRunRequest(
            agent: "migrated",
            parameters: .object(["text": "quote \" backslash \\ line\nbreak é ☃", "count": .integer(Int64(number))]),
            correlationID: "migration", idempotencyKey: try IdempotencyKey("key-\(key ?? number)"))
        var record = RunRecord(
            id: RunIDGenerator(random: SeededRandomNumberGenerator(seed: UInt64(number))).next(at: queued),
            request: request, status: status, queuedAt: queued)
        record.startedAt = queued
        if status.isTerminal {
            record.endedAt = queued.addingTimeInterval(2.5)
            record.errorMessage = "failed: \"exit 3\"\ttab"
            record.counters = ["files": 12]
        } else {
            record.leaseOwner = "node-1"
            record.leaseExpiresAt = queued.addingTimeInterval(60)
        }
        return record
    }

    @Test func runsWrittenBeforeReadTheSameAndClaimsStoreOneLeaseExpiry() async throws {
        try await TestDatabase.withSchema("record_text") { url, schema in
            let raw = try await RawConnection(url: url)
            defer { raw.closeLater() }
            // The schema as version 7 left it, with runs written the way it stored them.
            let name = try SchemaName(schema)
            try await raw.execute("CREATE SCHEMA \(schema)")
            try await raw.execute(
                """
                CREATE TABLE \(schema).schema_migrations (
                    version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
                """)
            for migration in SchemaMigrations.migrations where migration.version <= 7 {
                for statement in migration.statements(name) { try await raw.execute(statement) }
                try await raw.execute(
                    "INSERT INTO \(schema).schema_migrations (version, description) VALUES (\(migration.version), 'old')"
                )
            }
            let written = try [Self.record(1, status: .succeeded), Self.record(2, status: .running)]
            for record in written {
                let text = try RunRecordJSON.text(record).replacingOccurrences(of: "'", with: "''")
                try await raw.execute(
                    """
                    INSERT INTO \(schema).runs (id, agent, idempotency_key, status, queued_at, record)
                    VALUES ('\(record.id.rawValue)', 'migrated', '\(record.idempotencyKey.rawValue)',
                        '\(record.status.rawValue)', now(), '\(text)'::jsonb)
                    """)
            }
            // A run retention removed, kept in the ledger as version 7 kept it: the record as an object.
            let removed = try Self.record(4, status: .succeeded)
            let removedText = try RunRecordJSON.text(removed).replacingOccurrences(of: "'", with: "''")
            try await raw.execute(
                """
                INSERT INTO \(schema).run_keys (agent, idempotency_key, claims, retired)
                VALUES ('migrated', '\(removed.idempotencyKey.rawValue)', 1,
                    jsonb_build_object('succeeded', '\(removedText)'::jsonb))
                """)

            let store = try await PostgresAgentStore.open(url: url, options: .init(schema: schema))
            defer { store.close() }
            #expect(try await raw.texts("SELECT max(version)::text FROM \(schema).schema_migrations") == ["8"])
            #expect(
                try await raw.texts("SELECT DISTINCT pg_typeof(record)::text FROM \(schema).runs") == ["json"])
            for record in written {
                #expect(try await store.run(id: record.id) == record, "run \(record.id) changed in the migration")
            }
            #expect(
                try await raw.texts("SELECT record->>'errorMessage' FROM \(schema).runs WHERE status = 'succeeded'")
                    == ["failed: \"exit 3\"\ttab"])
            let again = try await store.claimRun(
                RunClaim(
                    record: try Self.record(5, key: 4, status: .running), owner: "node-2", leaseDuration: .seconds(9)))
            #expect(again == .duplicate(of: removed), "the key of a run removed before the migration: \(again)")

            // A claim whose record comes with a lease expiry of its own: the stored one is the database's, once.
            var claimed = try Self.record(3, status: .running)
            claimed.leaseExpiresAt = Date(timeIntervalSince1970: 0)
            guard
                case .claimed(let stored) = try await store.claimRun(
                    RunClaim(record: claimed, owner: "node-2", leaseDuration: .seconds(90)))
            else {
                Issue.record("a new key was not claimed")
                return
            }
            let expiry = try #require(stored.leaseExpiresAt)
            let row = "FROM \(schema).runs WHERE id = '\(claimed.id.rawValue)'"
            #expect(
                try await raw.texts("SELECT round(extract(epoch FROM lease_expires_at) * 1000)::text \(row)")
                    == [String(Timestamp.milliseconds(expiry))])
            let remaining = try await raw.texts("SELECT extract(epoch FROM lease_expires_at - now())::int::text \(row)")
                .first.flatMap { $0.flatMap(Int.init) }
            #expect(
                remaining.map { (60...90).contains($0) } == true,
                "the lease expires in \(String(describing: remaining)) s, not the database's now + 90 s")
            #expect(try await store.run(id: claimed.id) == stored)
            let text = try #require(try await raw.texts("SELECT record::text \(row)").first ?? nil)
            #expect(text.components(separatedBy: "\"leaseExpiresAt\"").count == 2, "stored record: \(text)")
        }
    }
}
