import Dispatch

/// Runs blocking work (file writes with `fsync`, directory creation, `posix_spawn`) on a Dispatch queue,
/// so that Swift's cooperative thread pool never blocks.
enum BlockingIO {
    private static let queue = DispatchQueue(
        label: "agent-scheduling.blocking-io", qos: .utility, attributes: .concurrent)

    /// Runs `body` on the blocking-I/O queue and returns its result.
    /// - Parameter body: The blocking work.
    /// - Returns: What `body` returned.
    /// - Throws: What `body` threw.
    static func perform<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }
}
