import AgentCore
import AgentScheduling
import Foundation
import Synchronization
import Testing

/// Waits (real time, at most `seconds`) until `condition` holds, failing the test with `message` otherwise.
/// Runners work in tasks of their own; this gives them time to react without ever waiting unbounded.
func eventually(
    _ message: @autoclosure () -> String, seconds: Double = 30,
    sourceLocation: SourceLocation = #_sourceLocation, _ condition: () async throws -> Bool
) async rethrows {
    let deadline = ContinuousClock.now.advanced(by: .seconds(seconds))
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try? await Task.sleep(for: .milliseconds(5))
    }
    if try await condition() { return }
    Issue.record("timed out after \(seconds) s: \(message())", sourceLocation: sourceLocation)
}

/// Collects the events a broadcaster publishes.
final class EventLog: Sendable {
    private final class Buffer: Sendable {
        let events = Mutex<[RunEvent]>([])
    }

    private let buffer = Buffer()
    private let task: Task<Void, Never>

    init(_ broadcaster: EventBroadcaster) {
        let stream = broadcaster.subscribe()
        let buffer = self.buffer
        task = Task {
            for await event in stream { buffer.events.withLock { $0.append(event) } }
        }
    }

    func of(_ kind: RunEvent.Kind) -> [RunEvent] { buffer.events.withLock { $0.filter { $0.kind == kind } } }

    deinit { task.cancel() }
}

/// A runner running in a task, stopped (and awaited, with a deadline) by ``stop()``.
struct RunningRunner {
    let runner: AgentRunner
    let task: Task<Void, any Error>

    init(_ runner: AgentRunner) {
        self.runner = runner
        self.task = Task { try await runner.run() }
    }

    /// Cancels the runner and waits for its graceful shutdown (failing the test after `seconds`).
    func stop(clock: ManualClock? = nil, seconds: Double = 30) async {
        task.cancel()
        let finished = Mutex(false)
        let waiter = Task {
            _ = await task.result
            finished.withLock { $0 = true }
        }
        await eventually("the runner did not stop", seconds: seconds) {
            // A shutdown that waits on the manual clock (grace periods) is moved along.
            if let clock { await clock.advance(by: .seconds(1)) }
            return finished.withLock { $0 }
        }
        waiter.cancel()
    }
}
