import AgentCore

/// The SQL pieces the batch statements share. The statements are prepared once per connection, so their text cannot
/// name the store's schema: they use unqualified names, which the pool's connections resolve through their
/// `search_path` (the store's schema), and announce on `current_schema() || '_changes'`.
enum StatementSQL {
    /// The database's now in milliseconds, or the injected now of `$parameter` when it is not `NULL`. The helpers are
    /// written out rather than calling the schema's SQL functions, whose bodies the planner would parse at every call.
    /// - Parameter parameter: The number of the `bigint` parameter holding the injected now.
    /// - Returns: A `bigint` expression.
    static func now(parameter: Int) -> String { "coalesce($\(parameter)::bigint, \(databaseNow))" }

    /// The body of a `clock` CTE with one reading of the statement's now: `now`, the injected now of `$parameter` or
    /// the database's, in milliseconds (the precision records keep), and `exact`, the same moment as a `timestamptz`
    /// to the microsecond when it is the database's.
    /// - Parameter parameter: The number of the `bigint` parameter holding the injected now.
    /// - Returns: A `SELECT` of one row.
    static func clock(parameter: Int) -> String {
        """
        SELECT coalesce($\(parameter)::bigint, round(extract(epoch FROM reading.moment) * 1000)::bigint) AS now,
            coalesce(to_timestamp($\(parameter)::numeric / 1000), reading.moment) AS exact
        FROM (SELECT clock_timestamp() AS moment) AS reading
        """
    }

    /// The body of an `input` CTE with one row per ``RunRow`` of a batch: its columns from the JSON array of
    /// ``RunRow/json(_:)`` in `$fields`, and its `record` (text) from the array of ``RunRow/records(_:)`` in
    /// `$records`, zipped by position (`ROWS FROM` reads both functions side by side).
    /// - Parameters:
    ///   - fields: The number of the `jsonb` parameter.
    ///   - records: The number of the `text[]` parameter.
    /// - Returns: A `SELECT`.
    static func runInput(fields: Int, records: Int) -> String {
        let definitions = RunRow.fields.map { "\($0.name) \($0.type)" }.joined(separator: ", ")
        let names = RunRow.fields.map(\.name).joined(separator: ", ")
        return """
            SELECT * FROM ROWS FROM (
                jsonb_to_recordset($\(fields)::jsonb) AS (\(definitions)), unnest($\(records)::text[])
            ) AS input(\(names), record)
            """
    }

    /// The database's now in milliseconds, as the schema's `now_ms(NULL)` computes it.
    static let databaseNow = "round(extract(epoch FROM clock_timestamp()) * 1000)::bigint"

    /// `ts(milliseconds)` written out.
    /// - Parameter milliseconds: The SQL of a millisecond count since 1970.
    /// - Returns: A `timestamptz` expression.
    static func timestamp(_ milliseconds: String) -> String { "to_timestamp((\(milliseconds))::numeric / 1000)" }

    /// `iso(milliseconds)` written out: the text a record's JSON holds.
    /// - Parameter milliseconds: The SQL of a millisecond count since 1970.
    /// - Returns: A `text` expression.
    static func iso(_ milliseconds: String) -> String {
        "to_char(to_timestamp((\(milliseconds))::numeric / 1000) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
    }

    /// A record's JSON text with a time member appended: the text without its closing brace, `,"<key>":"<iso>"}`. The
    /// record must not hold `key` yet; changing the text as text keeps every record storable (`jsonb` cannot hold a
    /// `\u0000` in a string).
    /// - Parameters:
    ///   - key: The member's name (a constant of this code, written as it is).
    ///   - milliseconds: The SQL of the time as a millisecond count since 1970.
    ///   - record: The SQL of the record's text.
    /// - Returns: A `json` expression.
    static func appending(_ key: String, milliseconds: String, to record: String) -> String {
        "(left(\(record), -1) || ',\"\(key)\":\"' || \(iso(milliseconds)) || '\"}')::json"
    }

    /// A date as a control request's JSON holds it (`JSONEncoder`'s default: seconds since 2001 as a double),
    /// computed in double precision the way `Date(timeIntervalSince1970:)` does, so it reads back as the same `Date`.
    /// - Parameter milliseconds: The SQL of a millisecond count since 1970.
    /// - Returns: A `jsonb` number.
    static func requestDate(_ milliseconds: String) -> String {
        "to_jsonb((\(milliseconds))::float8 / 1000 - 978307200)"
    }

    /// The terminal statuses as an SQL array literal (`'{succeeded,…}'::text[]`).
    static let terminalStatuses =
        "'{" + RunStatus.allCases.filter(\.isTerminal).map(\.rawValue).joined(separator: ",") + "}'::text[]"

    /// The condition of a run that ended, written as the predicates of the `runs_ended_by_…` indexes are (migration
    /// 7), so that the planner matches a query that states it to those indexes.
    static let endedRuns = "status NOT IN ('queued', 'running', 'awaitingApproval')"

    /// The condition of a run in progress, written as the predicate of the `runs_in_progress` index is (migration 7).
    static let runsInProgress = "status IN ('queued', 'running', 'awaitingApproval')"

    /// What a feed append's notification carries.
    enum FeedAnnouncement {
        /// The newest sequence number only.
        case sequence
        /// The newest sequence number and, when they fit in a notification, the changes themselves (see
        /// ``RecentChanges/parse(_:)``), so the followers read them without a round trip.
        case changes
    }

    /// The most bytes a notification's payload may hold with its changes: the server refuses 8,000 or more, and a
    /// payload over this carries the newest sequence number alone.
    static let notificationPayloadLimit = 7_900

    /// Common table expressions that append one change per row of the CTE `source` to the feed inside the statement
    /// that writes them, and announce the newest on the store's channel at its commit. The statement must read
    /// `feed_notice` (for example `(SELECT count(*) FROM feed_notice)`), or the announcement is not made. Sequence
    /// numbers are handed out under the counter row's lock, held until the commit, so changes become visible in order.
    /// - Parameters:
    ///   - source: The name of a CTE earlier in the statement, one row per change.
    ///   - body: The SQL of one change's JSON body (`jsonb`) from a row of `source`, as ``ChangeBody`` writes it.
    ///   - order: The SQL that orders the changes of the statement.
    ///   - announcing: Whether the notification carries the changes when they fit, or the newest sequence only (for
    ///     the many changes of a batch of run writes, which no follower needs at once).
    ///   - table: Qualifies a table name (the identity for the unqualified names of a prepared statement).
    ///   - channel: The SQL of the channel's name.
    /// - Returns: `feed_counter AS (…), feed_entries AS (…), feed_notice AS (…)`, to follow a comma in a WITH list.
    static func feedAppend(
        from source: String, body: String, order: String, announcing: FeedAnnouncement = .changes,
        table: (String) -> String = { $0 }, channel: String = "current_schema() || '_changes'"
    ) -> String {
        // Each change's line is "\n<sequence>\t<body>": at most 21 bytes besides the body; the first line, the newest
        // sequence, at most 19.
        let (returning, payload) =
            switch announcing {
            case .sequence: ("sequence", "max(sequence)::text")
            case .changes:
                (
                    "sequence, body",
                    """
                    max(sequence)::text || CASE
                            WHEN sum(octet_length(body::text) + 21) + 19 <= \(notificationPayloadLimit)
                            THEN string_agg(E'\\n' || sequence::text || E'\\t' || body::text, '' ORDER BY sequence)
                            ELSE '' END
                    """
                )
            }
        return """
            feed_counter AS (
                UPDATE \(table("change_counter")) SET last = last + (SELECT count(*) FROM \(source))
                WHERE id = 1 AND EXISTS (SELECT 1 FROM \(source))
                RETURNING last
            ), feed_entries AS (
                INSERT INTO \(table("changes")) (sequence, body)
                SELECT feed_counter.last - (SELECT count(*) FROM \(source)) + row_number() OVER (ORDER BY \(order)),
                    \(body)
                FROM feed_counter, \(source)
                RETURNING \(returning)
            ), feed_notice AS (
                SELECT pg_notify(\(channel), \(payload)) FROM feed_entries HAVING count(*) > 0
            )
            """
    }
}
