/// Waits for a condition that no process reports, by looking again every few milliseconds until a deadline.
package enum Poll {
    /// Waits until `condition` holds.
    /// - Parameters:
    ///   - what: What the test waits for, for the failure message.
    ///   - timeout: The deadline, from now.
    ///   - condition: What to check.
    /// - Throws: ``TestProcess/Failure`` when the deadline passes first; `CancellationError` when the test
    ///   is cancelled.
    package static func until(
        _ what: String, timeout: Duration = TestProcess.defaultTimeout, _ condition: () -> Bool
    ) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while !condition() {
            guard clock.now < deadline else {
                throw TestProcess.Failure("timed out after \(timeout) waiting for \(what)")
            }
            try await clock.sleep(for: TestProcess.pollInterval)
        }
    }
}
