import AgentCore
import AgentScheduling
import Foundation
import Synchronization

/// Fans the runner's events out to WebSocket clients without ever slowing the runner: each event is encoded to
/// JSON once, on the runner's thread, and offered to every client's bounded buffer; a client whose buffer is full
/// (it reads too slowly) is dropped — its stream ends and its socket is closed. A client that asked for one agent
/// gets that agent's events and the events of no agent (scheduler state, heartbeats).
public final class EventHub: Sendable {
    /// One client's events: JSON lines in order; the stream ends when the client is dropped or the hub finishes.
    public struct Subscription: Sendable {
        /// The client's id.
        public let id: Int
        /// The events, as JSON text.
        public let events: AsyncStream<String>
    }

    private struct Client {
        var agent: AgentName?
        var continuation: AsyncStream<String>.Continuation
    }

    private struct State {
        var nextID = 0
        var clients: [Int: Client] = [:]
        var dropped: Set<Int> = []
        var finished = false
    }

    /// How many events a client may have waiting before it is dropped.
    public let bufferLimit: Int
    private let state = Mutex(State())

    /// Creates a hub and attaches it to the runner's events.
    /// - Parameters:
    ///   - events: The runner's event broadcaster.
    ///   - bufferLimit: How many events a client may have waiting before it is dropped (default 1,024).
    public init(events: EventBroadcaster, bufferLimit: Int = 1024) {
        self.bufferLimit = max(1, bufferLimit)
        events.addSink { [weak self] event in self?.publish(event) }
    }

    /// Registers a client.
    /// - Parameter agent: Only this agent's events, or `nil` for all.
    /// - Returns: The client's subscription; call ``unsubscribe(_:)`` when it goes away.
    public func subscribe(agent: AgentName?) -> Subscription {
        let (stream, continuation) = AsyncStream.makeStream(
            of: String.self, bufferingPolicy: .bufferingOldest(bufferLimit))
        let (id, finished) = state.withLock { state in
            state.nextID += 1
            if !state.finished { state.clients[state.nextID] = Client(agent: agent, continuation: continuation) }
            return (state.nextID, state.finished)
        }
        if finished { continuation.finish() }
        return Subscription(id: id, events: stream)
    }

    /// Removes a client.
    /// - Parameter subscription: Its subscription.
    public func unsubscribe(_ subscription: Subscription) {
        let client = state.withLock { state in
            state.dropped.remove(subscription.id)
            return state.clients.removeValue(forKey: subscription.id)
        }
        client?.continuation.finish()
    }

    /// Whether a client was dropped for reading too slowly.
    /// - Parameter subscription: Its subscription.
    /// - Returns: `true` when its buffer overflowed.
    public func wasDropped(_ subscription: Subscription) -> Bool {
        state.withLock { $0.dropped.contains(subscription.id) }
    }

    /// How many clients are connected.
    public var clientCount: Int { state.withLock { $0.clients.count } }

    /// Sends a message to every client (for example a heartbeat), dropping clients that are full.
    /// - Parameter text: The JSON text.
    public func broadcast(_ text: String) { offer(text, agent: nil) }

    /// Ends every client's stream; later subscriptions end at once.
    public func finish() {
        let clients = state.withLock { state in
            state.finished = true
            defer { state.clients.removeAll() }
            return Array(state.clients.values)
        }
        for client in clients { client.continuation.finish() }
    }

    private func publish(_ event: RunEvent) {
        guard clientCount > 0 else { return }
        offer(event.jsonLine, agent: event.agentName)
    }

    private func offer(_ text: String, agent: AgentName?) {
        let clients = state.withLock { $0.clients }
        var overflowed: [Int] = []
        for (id, client) in clients {
            // A filtered client gets its agent's events and those of no agent (scheduler state, heartbeats).
            if let wanted = client.agent, let agent, wanted != agent { continue }
            if case .dropped = client.continuation.yield(text) { overflowed.append(id) }
        }
        guard !overflowed.isEmpty else { return }
        let removed = state.withLock { state in
            overflowed.compactMap { id -> Client? in
                state.dropped.insert(id)
                return state.clients.removeValue(forKey: id)
            }
        }
        for client in removed { client.continuation.finish() }
    }
}
