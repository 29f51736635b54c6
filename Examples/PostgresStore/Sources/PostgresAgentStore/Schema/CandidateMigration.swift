extension SchemaMigrations {
    /// Migration 4: pipeline candidates and their promotions (``CandidateStore``).
    ///
    /// `body` holds the whole record as JSON; the other columns are copies of its fields for the listing, the
    /// uniqueness of a promotion and `psql`. The primary key of `promotions` is the invariant "one promotion per
    /// candidate, stage and artifact digest". Nothing here is ever pruned.
    static let candidates = Migration(version: 4, description: "pipeline candidates and promotions") { schema in
        let s = schema
        return [
            """
            CREATE TABLE \(s("candidates")) (
                id text COLLATE "C" PRIMARY KEY CHECK (octet_length(id) BETWEEN 1 AND 200),
                pipeline text NOT NULL,
                stage integer NOT NULL CHECK (stage >= 0),
                state text NOT NULL CHECK (state IN
                    ('ready', 'running', 'gating', 'awaitingApproval', 'paused', 'completed', 'abandoned')),
                active_run_id text,
                created_at timestamptz NOT NULL,
                updated_at timestamptz NOT NULL,
                version bigint NOT NULL CHECK (version >= 1),
                body jsonb NOT NULL,
                CHECK (state <> 'running' OR active_run_id IS NOT NULL)
            )
            """,
            "CREATE INDEX candidates_oldest ON \(s("candidates")) (created_at, id)",
            "CREATE INDEX candidates_by_pipeline ON \(s("candidates")) (pipeline, created_at, id)",
            """
            CREATE TABLE \(s("promotions")) (
                candidate_id text COLLATE "C" NOT NULL REFERENCES \(s("candidates")) (id),
                stage integer NOT NULL,
                artifact_digest text NOT NULL,
                run_id text,
                overridden_by text,
                promoted_at timestamptz NOT NULL,
                body jsonb NOT NULL,
                PRIMARY KEY (candidate_id, stage, artifact_digest)
            )
            """,
        ]
    }
}
