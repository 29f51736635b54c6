import AgentCore
import Foundation
import MorningDigest
import Synchronization
import Testing

/// A fake ``DigestSource`` that answers from a script and remembers when it was called (on the run's clock).
final class ScriptedSource: DigestSource {
    enum Step: Sendable {
        /// Answer with this many entries.
        case entries(Int)
        /// Throw this error.
        case fail(DigestSourceError.Kind)
        /// Wait an hour on the clock (long past any timeout), honouring cancellation.
        case hang
    }

    private struct State {
        var steps: [Step]
        var calls: [Date] = []
    }

    private let state: Mutex<State>
    private let fallback: Step

    /// - Parameters:
    ///   - steps: The answers to the first calls, in order.
    ///   - fallback: The answer once the script is used up.
    init(_ steps: [Step], then fallback: Step = .entries(1)) {
        state = Mutex(State(steps: steps))
        self.fallback = fallback
    }

    /// The clock's time at every call, in order.
    var callTimes: [Date] { state.withLock { $0.calls } }

    func entries(clock: any AgentClock) async throws -> [DigestEntry] {
        let step: Step = state.withLock { state in
            state.calls.append(clock.now)
            return state.steps.isEmpty ? fallback : state.steps.removeFirst()
        }
        switch step {
        case .entries(let count):
            return (0..<count).map { DigestEntry(title: "entry \($0 + 1)") }
        case .fail(let kind):
            throw DigestSourceError(kind, "scripted failure")
        case .hang:
            try await clock.sleep(for: .seconds(3600))
            return []
        }
    }
}

/// Reads events until one of the given kinds arrives (`nil` if the stream ends first).
func nextEvent(
    _ kinds: Set<RunEvent.Kind>, from iterator: inout AsyncStream<RunEvent>.Iterator
) async -> RunEvent? {
    while let event = await iterator.next() {
        if kinds.contains(event.kind) { return event }
    }
    return nil
}

/// Parses an ISO-8601 timestamp written in a test.
func instant(_ text: String) throws -> Date {
    try #require(Timestamp.parse(text))
}

extension Duration {
    /// The duration in seconds, for `Date` arithmetic (the scheduler converts retry delays the same way).
    var timeInterval: TimeInterval {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
