import AgentCore
import AgentScheduling
import AgentServerKit
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HummingbirdWSTesting
import NIOCore
import NIOWebSocket
import Synchronization
import Testing
import WSCore

@Suite("Live events")
struct EventStreamTests {
    @Test("the WebSocket streams a run's events as JSON, filtered by ?agent=")
    func streamsRunEvents() async throws {
        try await ServerFixture.with(live: true) { fixture, client in
            let received = try await ServerFixture.deadline("the run's events over the WebSocket") {
                try await Self.collect(
                    client: client, path: "/api/v1/events?agent=echo&access_token=\(ServerFixture.readToken)"
                ) {
                    let events = fixture.server.gateway.runner.events
                    events.emit(
                        RunEvent(kind: .runLog, timestamp: Date(timeIntervalSince1970: 0), agentName: "sleeper"))
                    _ = try? await fixture.server.gateway.runner.scheduler.trigger("echo")
                }
            }
            let kinds = received.compactMap { $0["event"]?.stringValue }
            #expect(kinds.contains("runStarted"))
            #expect(kinds.last == "runSucceeded")
            #expect(received.allSatisfy { $0["agent"] == nil || $0["agent"] == .string("echo") })
        }
    }

    @Test("the WebSocket obeys the roles: no token, no upgrade; an unknown agent filter is a 404")
    func refusesWithoutToken() async throws {
        try await ServerFixture.with(live: true) { _, client in
            for path in ["/api/v1/events", "/api/v1/events?access_token=wrong-0123456789abcdef"] {
                try await client.execute(uri: path, method: .get) { #expect($0.status == .unauthorized) }
            }
            try await client.execute(
                uri: "/api/v1/events?agent=nobody", method: .get, headers: ServerFixture.headers(.read)
            ) { #expect($0.status == .notFound) }
        }
    }

    @Test("a client that does not read is dropped; the runner's emit never waits for it")
    func slowClientIsDropped() async throws {
        let events = EventBroadcaster()
        let hub = EventHub(events: events, bufferLimit: 8)
        let slow = hub.subscribe(agent: nil)
        let fast = hub.subscribe(agent: "echo")
        let started = ContinuousClock.now
        for index in 0..<10_000 {
            events.emit(
                RunEvent(
                    kind: .runLog, timestamp: Date(timeIntervalSince1970: 0), agentName: "other",
                    message: "line \(index)"))
        }
        #expect(ContinuousClock.now - started < .seconds(5), "emitting to a stuck client must not block")
        #expect(hub.wasDropped(slow))
        #expect(!hub.wasDropped(fast), "a filtered client sees none of another agent's events")
        var count = 0
        for await _ in slow.events { count += 1 }
        #expect(count == 8, "the dropped client's stream ends after what it had buffered")
        hub.broadcast("{\"event\":\"heartbeat\"}")
        var iterator = fast.events.makeAsyncIterator()
        #expect(await iterator.next() == "{\"event\":\"heartbeat\"}")
        hub.unsubscribe(fast)
        #expect(hub.clientCount == 0)
    }

    /// Connects, runs `trigger`, and returns the JSON messages up to the first `runSucceeded`.
    static func collect(
        client: some TestClientProtocol, path: String, trigger: @escaping @Sendable () async -> Void
    ) async throws -> [[String: JSONValue]] {
        let box = MessageBox()
        try await client.ws(path) { inbound, outbound, _ in
            let triggering = Task { await trigger() }
            defer { triggering.cancel() }
            var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
            while let message = try await messages.next() {
                guard case .text(let text) = message else { continue }
                let parsed = try JSONValue.parse(text)
                guard case .object(let object) = parsed else { continue }
                box.append(object)
                if object["event"] == .string("runSucceeded") { break }
            }
            try await outbound.close(.normalClosure, reason: nil)
        }
        return box.messages
    }
}

/// Messages gathered by a WebSocket handler.
final class MessageBox: Sendable {
    private let storage = Mutex<[[String: JSONValue]]>([])
    func append(_ message: [String: JSONValue]) { storage.withLock { $0.append(message) } }
    var messages: [[String: JSONValue]] { storage.withLock { $0 } }
}

extension JSONValue {
    /// The text of a string, or `nil`.
    var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }
}
