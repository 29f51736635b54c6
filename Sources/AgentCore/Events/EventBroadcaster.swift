import Foundation
import Synchronization

/// Delivers every ``RunEvent`` to any number of subscribers, each through its own `AsyncStream`.
///
/// Emitting never blocks and never waits for a subscriber: each subscriber has its own buffer.
/// A subscriber that stops iterating (or whose task is cancelled) is removed automatically.
///
/// ```swift
/// let events = EventBroadcaster()
/// let stream = events.subscribe()
/// Task { for await event in stream { print(event.jsonLine) } }
/// ```
public final class EventBroadcaster: Sendable {
    private struct State {
        var nextID = 0
        var subscribers: [Int: AsyncStream<RunEvent>.Continuation] = [:]
        var sinks: [@Sendable (RunEvent) -> Void] = []
    }

    private let state = Mutex(State())
    /// Subscribers plus sinks, readable without the lock: with none, ``emit(_:)`` does not even build the event.
    private let observerCount = Atomic<Int>(0)

    /// Creates a broadcaster with no subscribers.
    public init() {}

    /// Starts a new subscription that receives every event emitted from now on.
    /// - Parameter bufferingPolicy: What to do when the subscriber falls behind; by default nothing is
    ///   dropped (memory grows while the subscriber lags).
    /// - Returns: The stream of events; it finishes when ``finish()`` is called.
    public func subscribe(
        bufferingPolicy: AsyncStream<RunEvent>.Continuation.BufferingPolicy = .unbounded
    ) -> AsyncStream<RunEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: RunEvent.self, bufferingPolicy: bufferingPolicy)
        let id = state.withLock { state in
            state.nextID += 1
            state.subscribers[state.nextID] = continuation
            publishObserverCount(of: state)
            return state.nextID
        }
        continuation.onTermination = { [weak self] _ in
            self?.removeSubscriber(id)
        }
        return stream
    }

    /// Adds a synchronous sink called for every event on the emitting task (for log writers).
    ///
    /// A sink must be quick and must not emit events itself.
    /// - Parameter sink: The function to call.
    public func addSink(_ sink: @escaping @Sendable (RunEvent) -> Void) {
        state.withLock { state in
            state.sinks.append(sink)
            publishObserverCount(of: state)
        }
    }

    /// Copies the number of subscribers and sinks where ``isObserved`` reads it; called under the lock.
    private func publishObserverCount(of state: State) {
        observerCount.store(state.subscribers.count + state.sinks.count, ordering: .releasing)
    }

    private func removeSubscriber(_ id: Int) {
        state.withLock { state in
            state.subscribers.removeValue(forKey: id)
            publishObserverCount(of: state)
        }
    }

    /// The number of active subscriptions.
    public var subscriberCount: Int { state.withLock { $0.subscribers.count } }

    /// Whether anyone receives events (a subscriber or a sink).
    public var isObserved: Bool { observerCount.load(ordering: .acquiring) > 0 }

    /// Publishes an event to every subscriber and sink.
    ///
    /// The event is built only when someone receives it, so emitting costs next to nothing while nobody
    /// listens (a scheduler in a benchmark or a test that does not subscribe).
    /// - Parameter makeEvent: The event.
    public func emit(_ makeEvent: @autoclosure () -> RunEvent) {
        guard isObserved else { return }
        let event = makeEvent()
        let (subscribers, sinks) = state.withLock { ($0.subscribers.values, $0.sinks) }
        for sink in sinks { sink(event) }
        for subscriber in subscribers { subscriber.yield(event) }
    }

    /// Ends every subscription; later subscriptions start fresh.
    public func finish() {
        let subscribers = state.withLock { state in
            defer {
                state.subscribers.removeAll()
                publishObserverCount(of: state)
            }
            return state.subscribers.values
        }
        for subscriber in subscribers { subscriber.finish() }
    }
}
