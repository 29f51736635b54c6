extension SchemaName {
    /// The keywords PostgreSQL reserves outright or allows only as function and type names (`pg_get_keywords()`
    /// categories `R` and `T` of PostgreSQL 15, and `system_user`, reserved from 16): a schema with one of these
    /// names cannot be written unquoted before a table name, as the store's SQL writes it. The other keywords are
    /// usable.
    static let reservedWords: Set<String> = [
        // Reserved (R).
        "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "both", "case", "cast", "check",
        "collate", "column", "constraint", "create", "current_catalog", "current_date", "current_role",
        "current_time", "current_timestamp", "current_user", "default", "deferrable", "desc", "distinct", "do", "else",
        "end", "except", "false", "fetch", "for", "foreign", "from", "grant", "group", "having", "in", "initially",
        "intersect", "into", "lateral", "leading", "limit", "localtime", "localtimestamp", "not", "null", "offset",
        "on", "only", "or", "order", "placing", "primary", "references", "returning", "select", "session_user", "some",
        "symmetric", "system_user", "table", "then", "to", "trailing", "true", "union", "unique", "user", "using",
        "variadic", "when", "where", "window", "with",
        // Reserved, but allowed as a function or type name (T).
        "authorization", "binary", "collation", "concurrently", "cross", "current_schema", "freeze", "full", "ilike",
        "inner", "is", "isnull", "join", "left", "like", "natural", "notnull", "outer", "overlaps", "right", "similar",
        "tablesample", "verbose",
    ]
}
