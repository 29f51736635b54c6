import AgentCore
import Foundation
import PostgresAgentStore
import Testing

/// A schema name the store cannot use is refused before anything is written, with the reason, and every name it
/// accepts works on a real server.
@Suite(TestDatabase.available) struct SchemaNameTests {
    /// The error opening a store with `schema` gives, or `nil` when it opens (the schema is then removed).
    private func openingError(url: String, schema: String) async throws -> StoreError? {
        do {
            let store = try await PostgresAgentStore.open(url: url, options: .init(schema: schema))
            store.close()
            try await PostgresAgentStore.removeSchema(url: url, schema: schema)
            return nil
        } catch let error as StoreError {
            return error
        }
    }

    @Test func namesThePostgreSQLCatalogsUseAreRefusedWithTheReason() async throws {
        let url = try #require(TestDatabase.url)
        for schema in ["pg_runs", "pg_catalog", "information_schema"] {
            let error = try #require(await openingError(url: url, schema: schema), "\(schema) was accepted")
            #expect(error.code == .invalidRecord, "\(schema): \(error)")
            #expect(error.message.contains("reserves it"), "\(schema): \(error.message)")
        }
    }

    /// Every keyword the server reserves (categories `R` and `T`) is refused with a clear reason, not left to fail as
    /// a syntax error in the middle of a migration; a keyword the server lets name a schema works.
    @Test func reservedKeywordsAreRefusedAndUsableKeywordsWork() async throws {
        let url = try #require(TestDatabase.url)
        let raw = try await RawConnection(url: url)
        defer { raw.closeLater() }
        let reserved = try await raw.keywords(in: ["R", "T"])
        #expect(reserved.count > 90, "the server listed only \(reserved.count) reserved keywords")
        for word in reserved.sorted() {
            let error = try #require(await openingError(url: url, schema: word), "the keyword \(word) was accepted")
            #expect(error.code == .invalidRecord, "\(word): \(error)")
            #expect(error.message.contains("reserved SQL keyword"), "\(word): \(error.message)")
        }
        // Column-name keywords (C) may name a schema unquoted; the store opens, migrates and is removed.
        let usable = try await raw.keywords(in: ["C"])
        for word in ["between", "values"] {
            try #require(usable.contains(word), "the server no longer lists \(word) as a column-name keyword")
            #expect(try await openingError(url: url, schema: word) == nil, "the usable keyword \(word) was refused")
        }
    }
}
