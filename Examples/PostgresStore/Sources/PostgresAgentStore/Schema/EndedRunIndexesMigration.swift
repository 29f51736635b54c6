extension SchemaMigrations {
    /// Migration 7: the indexes that serve the pages by agent, status and queue time hold the ended runs only, and one
    /// index on the id holds the runs in progress.
    ///
    /// A run is claimed in progress and ends once. Before this version its claim went into all six indexes of `runs`
    /// and its terminal record, whose status changed, into five again; now the claim goes into three (the primary key,
    /// `(agent, idempotency_key, id)` and the runs in progress) and the terminal record into five, so a run costs eight
    /// index entries instead of eleven. A page reads the ended runs through their index and the runs in progress (a
    /// set as small as the work running at once) through theirs, and merges them.
    ///
    /// The predicates name the statuses of runs in progress as this version knows them (`RunStatus` cases that are not
    /// terminal); a new one needs a migration that rebuilds these indexes, and the store's queries use the same text
    /// (``StatementSQL/endedRuns`` and ``StatementSQL/runsInProgress``).
    static let endedRunIndexes = Migration(
        version: 7, description: "page indexes over ended runs, one index over runs in progress"
    ) { schema in
        let ended = "status NOT IN ('queued', 'running', 'awaitingApproval')"
        return [
            "DROP INDEX \(schema("runs_by_agent"))",
            "DROP INDEX \(schema("runs_by_status"))",
            "DROP INDEX \(schema("runs_by_queued_at"))",
            "DROP INDEX \(schema("runs_by_lease_expiry"))",
            "CREATE INDEX runs_ended_by_agent ON \(schema("runs")) (agent, id) WHERE \(ended)",
            "CREATE INDEX runs_ended_by_status ON \(schema("runs")) (status, id) WHERE \(ended)",
            "CREATE INDEX runs_ended_by_queued_at ON \(schema("runs")) (queued_at, id) WHERE \(ended)",
            """
            CREATE INDEX runs_in_progress ON \(schema("runs")) (id)
            WHERE status IN ('queued', 'running', 'awaitingApproval')
            """,
        ]
    }
}
