import AgentCore

/// The pending cancel requests a runner saw for runs it does not execute (they run on another runner, or on one that
/// died), by run: when a run's end shows up in the change feed, its requests are completed with how it ended.
///
/// Remembering them means a run's end costs a lookup here instead of a listing of the store's pending requests, which
/// every runner would otherwise make for every run that ends anywhere. The feed keeps the memory honest: a request
/// another runner took or completed is forgotten when that change arrives, and a resynchronisation (start, missed
/// changes) rebuilds it from the store's pending requests.
struct CancelsAwaitingEnd {
    private var requestsByRun: [RunID: Set<String>] = [:]
    private var runByRequest: [String: RunID] = [:]

    /// Whether a request could not be settled because the store did not answer: the follower reads the pending
    /// requests again (``removeAll()`` clears it).
    var needsResynchronization = false

    /// Remembers a pending cancel request of a run that has not ended.
    /// - Parameters:
    ///   - requestID: The request's id.
    ///   - runID: The run it cancels.
    mutating func remember(_ requestID: String, of runID: RunID) {
        runByRequest[requestID] = runID
        requestsByRun[runID, default: []].insert(requestID)
    }

    /// Forgets a request that is no longer pending (taken or completed by any runner).
    /// - Parameter requestID: The request's id.
    mutating func forget(_ requestID: String) {
        guard let runID = runByRequest.removeValue(forKey: requestID) else { return }
        requestsByRun[runID]?.remove(requestID)
        if requestsByRun[runID]?.isEmpty == true { requestsByRun[runID] = nil }
    }

    /// Removes and returns the requests of a run that ended.
    /// - Parameter runID: The run.
    /// - Returns: The ids of its remembered requests, in no particular order.
    mutating func take(for runID: RunID) -> Set<String> {
        guard let requests = requestsByRun.removeValue(forKey: runID) else { return [] }
        for requestID in requests { runByRequest[requestID] = nil }
        return requests
    }

    /// Forgets everything (before the pending requests are read again).
    mutating func removeAll() {
        requestsByRun = [:]
        runByRequest = [:]
        needsResynchronization = false
    }
}
