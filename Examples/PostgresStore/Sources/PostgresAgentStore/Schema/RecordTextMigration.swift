extension SchemaMigrations {
    /// Migration 8: `runs.record` holds the record's JSON as the store wrote it (`json`) instead of PostgreSQL's
    /// binary form (`jsonb`).
    ///
    /// A run's record is written twice (its claim and its end) and read back whole, never searched inside by the
    /// store. As `jsonb`, each write parsed it into a tree, sorted its keys and stored that, and each read printed it
    /// again; as `json` a write only checks that it is JSON and a read returns it as it is. `json` also holds every
    /// record, where `jsonb` refused one with a NUL in a string (`\u0000`, which a subprocess's output can hold), so
    /// the store changes stored records as text, never through `jsonb`. The operators `psql` users read a record with
    /// (`record->>'errorMessage'`, `record->'trigger'`) work on both; for the operators of `jsonb` alone (`@>`, `?`),
    /// cast it: `record::jsonb`.
    ///
    /// The table is rewritten: on 1,000,000 runs the migration takes seconds, during which writes to `runs` wait.
    static let recordText = Migration(version: 8, description: "runs.record as the JSON text written (json)") {
        schema in
        ["ALTER TABLE \(schema("runs")) ALTER COLUMN record TYPE json USING record::json"]
    }
}
