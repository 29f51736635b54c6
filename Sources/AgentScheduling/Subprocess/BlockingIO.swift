import Foundation

/// Runs blocking work (file writes with `fsync`, directory creation, `posix_spawn`, `git`) on a thread of its own,
/// so that Swift's cooperative thread pool never blocks.
///
/// Not on a Dispatch queue: on Linux, Dispatch's own worker pool creates no further worker for a queue below the
/// default QoS while the machine's runnable threads exceed its cores, so with every core busy a launch or a log
/// write could wait longer than the run's timeout for a worker (measured: `sh -c 'echo …; exit 1'` recorded
/// `timedOut` after 20 s with two busy loops beside the test suite). A thread per call costs tens of microseconds,
/// next to the milliseconds of the work it carries.
enum BlockingIO {
    /// The stack of each thread: the work is a few frames deep.
    private static let stackSize = 512 * 1024

    /// Runs `body` on a new thread and returns its result.
    /// - Parameter body: The blocking work.
    /// - Returns: What `body` returned.
    /// - Throws: What `body` threw.
    static func perform<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try body() }) }
            thread.name = "agent-blocking-io"
            thread.stackSize = stackSize
            thread.start()
        }
    }
}
