import Foundation
import Synchronization
import Testing

/// A wait that took longer than its deadline.
struct DeadlineExceeded: Error, CustomStringConvertible {
    let what: String
    let seconds: Double
    var description: String { "timed out after \(seconds) s waiting for \(what)" }
}

/// The first of two outcomes, handed to one waiter.
private final class FirstOutcome<T: Sendable>: Sendable {
    private let state = Mutex<
        (result: Result<T, any Error>?, waiter: CheckedContinuation<Result<T, any Error>, Never>?)
    >(
        (nil, nil))

    /// Records an outcome unless one was recorded already, and wakes the waiter.
    func settle(_ result: Result<T, any Error>) {
        let waiter: CheckedContinuation<Result<T, any Error>, Never>? = state.withLock { state in
            guard state.result == nil else { return nil }
            state.result = result
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: result)
    }

    /// The first outcome, once there is one.
    func value() async -> Result<T, any Error> {
        await withCheckedContinuation { continuation in
            let ready: Result<T, any Error>? = state.withLock { state in
                if let result = state.result { return result }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}

/// Runs `body` and returns its result, or throws ``DeadlineExceeded`` after `seconds` of real time even when
/// `body` never returns (it is cancelled and left behind), so a wait that is never satisfied fails the test
/// instead of hanging the suite.
func within<T: Sendable>(
    _ what: String, seconds: Double = 60, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    let outcome = FirstOutcome<T>()
    let work = Task {
        do {
            outcome.settle(.success(try await body()))
        } catch {
            outcome.settle(.failure(error))
        }
    }
    let timer = Task {
        try? await Task.sleep(for: .seconds(seconds))
        outcome.settle(.failure(DeadlineExceeded(what: what, seconds: seconds)))
    }
    let result = await outcome.value()
    timer.cancel()
    if case .failure(let error) = result, error is DeadlineExceeded { work.cancel() }
    return try result.get()
}

/// As ``within(_:seconds:_:)`` for a wait that returns nothing: on a timeout the test gets an issue naming what it
/// waited for, and goes on (usable where the caller cannot throw).
func waitBounded(
    _ what: String, seconds: Double = 60, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: @escaping @Sendable () async -> Void
) async {
    do {
        try await within(what, seconds: seconds, body)
    } catch {
        Issue.record("\(error)", sourceLocation: sourceLocation)
    }
}
