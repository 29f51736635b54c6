import AgentCore
import Testing

@testable import PostgresAgentStore

/// The partial indexes of `runs` and the queries that use them name the statuses of runs in progress in one text,
/// which must stay the statuses that are not terminal: a status added to `RunStatus` fails here until a migration
/// rebuilds the indexes for it.
struct RunStatusPredicateTests {
    @Test func thePredicatesNameExactlyTheStatusesOfRunsInProgress() throws {
        let inProgress = RunStatus.allCases.filter { !$0.isTerminal }.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        #expect(StatementSQL.runsInProgress == "status IN (\(inProgress))")
        #expect(StatementSQL.endedRuns == "status NOT IN (\(inProgress))")
        let schema = try SchemaName("predicates")
        let migration = try #require(SchemaMigrations.migrations.first { $0.version == 7 })
        let statements = migration.statements(schema)
        #expect(statements.filter { $0.hasSuffix("WHERE \(StatementSQL.endedRuns)") }.count == 3, "\(statements)")
        #expect(statements.filter { $0.hasSuffix("WHERE \(StatementSQL.runsInProgress)") }.count == 1, "\(statements)")
    }
}
