extension SchemaMigrations {
    /// Migration 6: `requests.taken_at`, when a runner took the request. It and `requested_at` hold the database's
    /// clock to the microsecond (the request's JSON keeps milliseconds, as every record does), so the time from a
    /// request to its take can be read exactly with `psql`.
    static let requestTimes = Migration(version: 6, description: "the time a control request was taken") { schema in
        ["ALTER TABLE \(schema("requests")) ADD COLUMN taken_at timestamptz"]
    }
}
