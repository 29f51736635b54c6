import AgentCore
import Foundation
import PostgresAgentStore
import Synchronization
import Testing

/// The PostgreSQL server the tests use: `DATABASE_URL` (set by `.ci/with-postgres`, or by hand, see the README).
/// Without it the tests that need a server are skipped with a message, unless `AGENT_RUNNER_REQUIRE_POSTGRES=1`
/// demands one (then ``requiredServerIsConfigured()`` fails).
enum TestDatabase {
    /// The URL, if one is configured.
    static var url: String? {
        guard let url = ProcessInfo.processInfo.environment["DATABASE_URL"], !url.isEmpty else { return nil }
        return url
    }

    /// Whether a server must be present (set by CI).
    static var isRequired: Bool { ProcessInfo.processInfo.environment["AGENT_RUNNER_REQUIRE_POSTGRES"] == "1" }

    /// The trait of tests that need the server.
    static var available: ConditionTrait {
        .enabled(
            if: url != nil,
            Comment(
                rawValue: "DATABASE_URL is not set: no PostgreSQL server to test against (run the tests under "
                    + ".ci/with-postgres, or see Examples/PostgresStore/README.md)"))
    }

    private static let counter = Atomic<Int>(0)

    /// A schema name no other test (or test process) uses.
    static func freshSchema(_ prefix: String) -> String {
        let number = counter.add(1, ordering: .relaxed).newValue
        return "\(prefix)_\(ProcessInfo.processInfo.processIdentifier)_\(number)"
    }

    /// Runs `body` with a schema that is removed afterwards.
    static func withSchema<T>(_ prefix: String, _ body: (String, String) async throws -> T) async throws -> T {
        guard let url else { throw TestDatabaseMissing() }
        let schema = freshSchema(prefix)
        do {
            let result = try await body(url, schema)
            try await PostgresAgentStore.removeSchema(url: url, schema: schema)
            return result
        } catch {
            try? await PostgresAgentStore.removeSchema(url: url, schema: schema)
            throw error
        }
    }
}

/// Thrown when a test that needs the server runs without one.
struct TestDatabaseMissing: Error, CustomStringConvertible {
    var description: String { "DATABASE_URL is not set" }
}

@Suite struct TestDatabaseRequirementTests {
    /// Under CI (`AGENT_RUNNER_REQUIRE_POSTGRES=1`) a missing server fails instead of skipping everything.
    @Test func requiredServerIsConfigured() {
        #expect(
            !TestDatabase.isRequired || TestDatabase.url != nil,
            "AGENT_RUNNER_REQUIRE_POSTGRES=1 but DATABASE_URL is not set: the PostgreSQL tests would all be skipped")
    }
}
