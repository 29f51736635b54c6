import Synchronization

/// The first of two outcomes (the work's or the deadline's), handed to one waiter.
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

/// Runs `body` and returns its result, or throws `failure()` once `seconds` of real time have passed, even when
/// `body` never returns: it is then cancelled and left behind, so the caller is never held by a wait that ignores
/// cancellation (a task group would wait for such a child at its end and turn the deadline into a hang).
///
/// For the store conformance suite and for tests of the library and of hosts built on it (a wait on a store, a
/// socket or a child process); never for waiting on a schedule, which follows the injected clock.
/// - Parameters:
///   - seconds: The deadline, in real seconds.
///   - failure: What to throw when it passes.
///   - body: The wait.
/// - Returns: What `body` returned.
/// - Throws: `failure()`, or what `body` threw.
public func withRealTimeDeadline<T: Sendable>(
    seconds: Double, _ failure: @autoclosure @escaping @Sendable () -> any Error,
    _ body: @escaping @Sendable () async throws -> T
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
        outcome.settle(.failure(failure()))
    }
    let result = await withTaskCancellationHandler {
        await outcome.value()
    } onCancel: {
        work.cancel()
    }
    timer.cancel()
    work.cancel()
    return try result.get()
}
