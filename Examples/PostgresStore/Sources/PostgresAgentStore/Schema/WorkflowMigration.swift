extension SchemaMigrations {
    /// Migration 2: plan runs and approval requests (``PlanStore`` and ``ApprovalStore``).
    ///
    /// `body` holds the whole record as JSON (timestamps as ISO-8601 text); the other columns are copies of its
    /// fields for filtering, ordering, the expiry sweep and `psql`. Ids compare byte-wise (`COLLATE "C"`), as the
    /// other stores order them. Nothing here is ever pruned.
    static let workflows = Migration(version: 2, description: "plan runs and approval requests") { schema in
        let s = schema
        return [
            """
            CREATE TABLE \(s("plan_runs")) (
                id text COLLATE "C" PRIMARY KEY CHECK (octet_length(id) BETWEEN 1 AND 200),
                plan text NOT NULL,
                business_date text NOT NULL,
                status text NOT NULL CHECK (status IN ('running', 'awaitingApproval', 'succeeded', 'failed')),
                created_at timestamptz NOT NULL,
                updated_at timestamptz NOT NULL,
                ended_at timestamptz,
                version bigint NOT NULL CHECK (version >= 1),
                body jsonb NOT NULL
            )
            """,
            "CREATE INDEX plan_runs_newest ON \(s("plan_runs")) (created_at DESC, id DESC)",
            "CREATE INDEX plan_runs_by_plan ON \(s("plan_runs")) (plan, created_at DESC, id DESC)",
            "CREATE INDEX plan_runs_by_status ON \(s("plan_runs")) (status, created_at DESC, id DESC)",
            """
            CREATE TABLE \(s("approvals")) (
                run_id text COLLATE "C" PRIMARY KEY,
                agent text NOT NULL,
                plan_run_id text,
                task_id text,
                state text NOT NULL CHECK (state IN ('pending', 'approved', 'rejected', 'expired')),
                requested_by text NOT NULL,
                requested_at timestamptz NOT NULL,
                deadline timestamptz NOT NULL,
                decided_by text,
                decided_at timestamptz,
                notified_at timestamptz,
                version bigint NOT NULL CHECK (version >= 1),
                body jsonb NOT NULL,
                CHECK ((state = 'pending') = (decided_at IS NULL))
            )
            """,
            "CREATE INDEX approvals_oldest ON \(s("approvals")) (requested_at, run_id)",
            "CREATE INDEX approvals_by_state ON \(s("approvals")) (state, requested_at, run_id)",
            "CREATE INDEX approvals_pending_by_deadline ON \(s("approvals")) (deadline) WHERE state = 'pending'",
        ]
    }
}
