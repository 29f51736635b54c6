extension SchemaMigrations {
    /// Migration 3: a schedule set at run time (``ScheduleState/scheduleOverride``), kept as the JSON of its
    /// `ScheduleConfiguration` (`{"kind":"cron","expression":"*/5 * * * *","timeZone":"UTC"}`); `NULL` keeps the
    /// configured schedule.
    static let scheduleOverride = Migration(version: 3, description: "schedule overrides set at run time") { schema in
        [
            """
            ALTER TABLE \(schema("schedule_states")) ADD COLUMN schedule_override jsonb
                CHECK (schedule_override IS NULL OR schedule_override->>'kind' IN ('cron', 'interval', 'manual'))
            """
        ]
    }
}
