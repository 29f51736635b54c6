import Foundation

extension ControlRequest {
    /// The request as a store writes it on submission: checked, with ``requestedAt`` set to the store's now and no
    /// taker or completion. (Whether the id is already used is the store's own check.)
    /// - Parameter now: The store's current time.
    /// - Returns: The request to store.
    /// - Throws: ``StoreError`` with ``StoreError/Code/invalidRecord`` for an empty or over-long id, or a request
    ///   that is not pending.
    public func submitted(at now: Date) throws(StoreError) -> ControlRequest {
        guard !id.isEmpty, id.count <= 128 else {
            throw StoreError(.invalidRecord, "a control request needs an id of 1-128 characters")
        }
        guard state == .pending else {
            throw StoreError(
                .invalidRecord, "control request \(id) is \(state.rawValue); only pending ones can be submitted")
        }
        var stored = self
        stored.requestedAt = Timestamp.roundedToMilliseconds(now)
        stored.takenBy = nil
        stored.takenAt = nil
        stored.completedAt = nil
        return stored
    }

    /// The request taken by `owner`, as ``ControlRequestStore/takeRequest(id:owner:)`` stores it.
    /// - Parameters:
    ///   - owner: The runner taking it.
    ///   - now: The store's current time.
    /// - Returns: The taken request, or `nil` when it is not pending.
    public func taken(by owner: String, at now: Date) -> ControlRequest? {
        guard state == .pending else { return nil }
        var request = self
        request.state = .taken
        request.takenBy = owner
        request.takenAt = Timestamp.roundedToMilliseconds(now)
        return request
    }

    /// The request completed by `owner`, as ``ControlRequestStore/completeRequest(id:owner:runID:runStatus:outcome:)``
    /// stores it: a completed request stays as it is; a pending one completed directly names `owner` as its taker.
    /// - Parameters:
    ///   - owner: The runner completing it.
    ///   - runID: The run it started or cancelled, if any.
    ///   - runStatus: That run's status now, if any.
    ///   - outcome: How it went, in words.
    ///   - now: The store's current time.
    /// - Returns: The request and whether it changed.
    /// - Throws: ``StoreError`` with ``StoreError/Code/leaseNotHeld`` when another runner took it.
    public func completed(
        by owner: String, runID: RunID?, runStatus: RunStatus?, outcome: String, at now: Date
    ) throws(StoreError) -> (request: ControlRequest, changed: Bool) {
        switch state {
        case .completed:
            return (self, false)
        case .taken where takenBy != owner:
            throw StoreError(
                .leaseNotHeld, "control request \(id) was taken by \(takenBy ?? "another runner"), not by \(owner)")
        case .pending, .taken:
            break
        }
        var request = self
        request.state = .completed
        request.completedAt = Timestamp.roundedToMilliseconds(now)
        request.runID = runID ?? request.runID
        request.runStatus = runStatus
        request.outcome = outcome
        if request.takenBy == nil {
            request.takenBy = owner
            request.takenAt = request.completedAt
        }
        return (request, true)
    }
}
