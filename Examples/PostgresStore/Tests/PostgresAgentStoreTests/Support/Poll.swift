/// Waits until `condition` holds, looking again every 5 ms, and fails after `seconds` of real time.
func poll(_ what: String, seconds: Double, _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now.advanced(by: .seconds(seconds))
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(5))
    }
    if try await condition() { return }
    throw PollTimeout(description: "timed out after \(seconds) s waiting for \(what)")
}

/// A wait that passed its deadline.
struct PollTimeout: Error, CustomStringConvertible {
    let description: String
}
