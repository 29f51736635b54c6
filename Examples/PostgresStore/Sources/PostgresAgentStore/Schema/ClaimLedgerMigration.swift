extension SchemaMigrations {
    /// Migration 5: every agent and idempotency key that has a run has a claim-ledger row with at least one claim.
    ///
    /// From this version on, every write that creates a run counts it in the ledger (``PostgresAgentStore/claimRun(_:)``
    /// and ``PostgresAgentStore/insertRun(_:)``), so a claim whose upsert creates the ledger row knows that no run with
    /// its key exists or ever existed, and inserts its run in the same statement. Runs written by older versions are
    /// counted here once.
    static let claimLedger = Migration(version: 5, description: "a claim-ledger row for every key with a run") {
        schema in
        [
            """
            INSERT INTO \(schema("run_keys")) AS ledger (agent, idempotency_key, claims)
            SELECT DISTINCT agent, idempotency_key, 1 FROM \(schema("runs"))
            ON CONFLICT (agent, idempotency_key) DO UPDATE SET claims = greatest(ledger.claims, 1)
            """
        ]
    }
}
