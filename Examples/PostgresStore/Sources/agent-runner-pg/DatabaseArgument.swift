import AgentCLI
import AgentCore
import AgentScheduling
import PostgresAgentStore

/// The command line of `agent-runner-pg` with `--database-url URL` taken out, and the database it names (or
/// `DATABASE_URL`'s).
struct DatabaseArgument {
    /// The option that names the database.
    static let option = "--database-url"
    /// The option that names the schema (default `agent_runner`, or `AGENT_RUNNER_PG_SCHEMA`).
    static let schemaOption = "--schema"

    /// What `--help` adds above agentctl's overview.
    static let help = """
        agent-runner-pg — agentctl's commands on a PostgreSQL store that several runners share.

        DATABASE: --database-url postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=disable|prefer|require
                  (or the DATABASE_URL environment variable). The tables are created on first use, in the
                  PostgreSQL schema agent_runner (--schema NAME or AGENT_RUNNER_PG_SCHEMA for another).
        EXTRA COMMAND:
          bench             PostgreSQL benchmark (release build): run-lifecycle throughput with 1 and 4 processes,
                            claim latency, request-to-start latency, paging over 1,000,000 runs [--json]

        """

    /// The arguments for the commands.
    var arguments: [String]
    /// The database, if one was given.
    var url: DatabaseURL?
    /// The PostgreSQL schema of the tables.
    var schema: String

    /// Takes `--database-url URL` (or `--database-url=URL`) out of the arguments; without it uses `DATABASE_URL`.
    /// - Throws: ``StoreError`` for a URL that does not parse, or the option without a value.
    init(_ arguments: [String], environment: [String: String]) throws {
        var rest: [String] = []
        var values = [
            Self.option: environment["DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 },
            Self.schemaOption: environment["AGENT_RUNNER_PG_SCHEMA"].flatMap { $0.isEmpty ? nil : $0 },
        ]
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if let option = values.keys.first(where: { argument == $0 }) {
                guard index + 1 < arguments.count else {
                    throw StoreError(.invalidRecord, "\(option) needs a value")
                }
                values[option] = arguments[index + 1]
                index += 2
                continue
            }
            if let option = values.keys.first(where: { argument.hasPrefix($0 + "=") }) {
                values[option] = String(argument.dropFirst(option.count + 1))
            } else {
                rest.append(argument)
            }
            index += 1
        }
        self.arguments = rest
        let urlText = values[Self.option] ?? nil
        self.url = try urlText.map { try DatabaseURL($0) }
        self.schema = (values[Self.schemaOption] ?? nil) ?? PostgresAgentStore.Options().schema
    }

    /// Opens the PostgreSQL store for the commands: a scheduling process (`serve`) also prunes history by the
    /// configuration's retention, every ten minutes.
    var stores: StoreOpener {
        let url = url
        let schema = schema
        let missing =
            "no database given: pass \(Self.option) postgres://USER:PASSWORD@HOST:PORT/DATABASE or set DATABASE_URL"
        let describe: @Sendable (RunnerConfiguration) -> String = { _ in url?.description ?? "(\(missing))" }
        return StoreOpener(describe: describe) { configuration, forScheduling in
            guard let url else { throw StoreError(.unavailable, missing) }
            var options = PostgresAgentStore.Options(schema: schema, retention: configuration.retention)
            if forScheduling { options.maintenanceInterval = .seconds(600) }
            return try await PostgresAgentStore.open(url: url, options: options)
        }
    }
}

// The store's library does not depend on the command code; the conformance is declared here, where both meet.
// `location` is the store's own property with the same meaning.
extension PostgresAgentStore: CommandStore {}
