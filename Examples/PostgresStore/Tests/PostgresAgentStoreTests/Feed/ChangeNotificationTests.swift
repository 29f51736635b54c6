import AgentCore
import Foundation
import Testing

@testable import PostgresAgentStore

/// A follower woken by a notification reads the changes it carried without asking the database, and reads exactly
/// what the database holds; a change too big for a notification is announced by its sequence and read from the
/// database; a listener whose connection the server ends listens again on a new one.
@Suite(TestDatabase.available) struct ChangeNotificationTests {
    private func runRequest(_ id: String, parameter: String = "") -> ControlRequest {
        ControlRequest(
            id: id,
            action: .run(
                request: AgentRunRequest(
                    agent: "notified", parameters: ["text": .string(parameter)], correlationID: "notifications")),
            requestedBy: "writer")
    }

    /// Follows the feed of `store` from `cursor` until it read `count` changes (at most 10 s).
    private func follow(_ store: PostgresAgentStore, from cursor: ChangeCursor, count: Int) async throws
        -> [StoreChange]
    {
        var cursor = cursor
        var read: [StoreChange] = []
        let deadline = ContinuousClock.now + .seconds(10)
        while read.count < count {
            guard ContinuousClock.now < deadline else {
                throw PollTimeout(description: "the follower read \(read.count) of \(count) changes in 10 s")
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { [cursor] in try await store.waitForChanges(after: cursor) }
                group.addTask { try await Task.sleep(for: .seconds(1)) }
                try await group.next()
                group.cancelAll()
            }
            let page = try await store.changes(after: cursor, limit: 100)
            #expect(!page.missedChanges)
            read += page.changes
            cursor = page.cursor
        }
        return read
    }

    @Test func aFollowerReadsTheNotifiedChangesAndTheyAreTheDatabases() async throws {
        try await TestDatabase.withSchema("notified") { url, schema in
            let writer = try await PostgresAgentStore.open(url: url, options: .init(schema: schema))
            defer { writer.close() }
            let follower = try await PostgresAgentStore.open(url: url, options: .init(schema: schema))
            defer { follower.close() }
            let start = try await follower.latestChangeCursor()
            // The follower listens from its first wait on; its connection is made in the background, so requests are
            // written until one is announced to it, body and all.
            var announced: ControlRequest?
            for probe in 0..<10 where announced == nil {
                let request = try await writer.submitRequest(runRequest("probe-\(probe)"))
                let sequence = Int64(try await writer.latestChangeCursor().sequence)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await follower.waitForChanges(after: ChangeCursor(sequence: UInt64(sequence))) }
                    group.addTask { try await Task.sleep(for: .milliseconds(500)) }
                    try await group.next()
                    group.cancelAll()
                }
                if let held = follower.recentChanges.page(after: sequence - 1, limit: 1)?.first {
                    #expect(try ChangeBody.kind(from: held.body, sequence: UInt64(sequence)) == .request(request))
                    announced = request
                }
            }
            #expect(announced != nil, "no request's change reached the follower with its notification")

            // Requests, takes and a request too big for a notification, which is announced by its sequence alone.
            var bigSequence: Int64 = 0
            for index in 0..<20 {
                let request = try await writer.submitRequest(
                    runRequest("notified-\(index)", parameter: index == 10 ? String(repeating: "x", count: 9_000) : ""))
                if index == 10 { bigSequence = Int64(try await writer.latestChangeCursor().sequence) }
                if index.isMultiple(of: 3) {
                    _ = try #require(try await writer.takeRequest(id: request.id, owner: "writer"))
                }
            }
            let written = Int(try await writer.latestChangeCursor().sequence - start.sequence)
            let followed = try await follow(follower, from: start, count: written)
            #expect(followed.count == written)
            #expect(
                follower.recentChanges.page(after: bigSequence - 1, limit: 1) == nil,
                "the change of a 9,000-character request does not fit in a notification")

            // A store that never listened reads the same changes from the database.
            let reader = try await PostgresAgentStore.open(url: url, options: .init(schema: schema))
            defer { reader.close() }
            let stored = try await reader.changes(after: start, limit: 100)
            #expect(stored.changes == followed)
            let big = try #require(try await reader.request(id: "notified-10"))
            guard case .run(let request) = big.action else {
                Issue.record("request notified-10 is \(big.action)")
                return
            }
            #expect(request.parameters == ["text": .string(String(repeating: "x", count: 9_000))])
        }
    }

    @Test func aListenerWhoseConnectionIsEndedListensAgain() async throws {
        try await TestDatabase.withSchema("relisten") { url, schema in
            let writer = try await PostgresAgentStore.open(url: url, options: .init(schema: schema))
            defer { writer.close() }
            let follower = try await PostgresAgentStore.open(url: url, options: .init(schema: schema))
            defer { follower.close() }
            let raw = try await RawConnection(url: url)
            defer { raw.closeLater() }
            // The backends that finished LISTENing on this schema's channel (other suites listen on their own).
            func listeners() async throws -> [String] {
                try await raw.texts(
                    """
                    SELECT pid::text FROM pg_stat_activity
                    WHERE query LIKE 'LISTEN "\(schema)_changes"%' AND state = 'idle' ORDER BY pid
                    """
                ).compactMap { $0 }
            }
            // What the follower's first wait for changes does.
            follower.listener.start()
            try await poll("the follower's listening connection", seconds: 10) { try await listeners().count == 1 }
            let ended = try await listeners()
            try await raw.execute("SELECT pg_terminate_backend(\(ended[0]))")
            try await poll("a new listening connection", seconds: 10) {
                let now = try await listeners()
                return now.count == 1 && now != ended
            }
            // Only a notification fills the follower's recent changes: the new connection hears the writer's request.
            let request = try await writer.submitRequest(runRequest("after-reconnect"))
            let sequence = Int64(try await writer.latestChangeCursor().sequence)
            try await poll("the request's notification on the new connection", seconds: 10) {
                follower.recentChanges.page(after: sequence - 1, limit: 1) != nil
            }
            let held = try #require(follower.recentChanges.page(after: sequence - 1, limit: 1)?.first)
            #expect(try ChangeBody.kind(from: held.body, sequence: UInt64(sequence)) == .request(request))
        }
    }
}
