import AgentCore
import Foundation

/// Control requests by id, with the rules of ``ControlRequestStore``: the in-memory and JSON-file stores keep one
/// and apply every request operation through it under their lock.
package struct RequestTable: Sendable {
    /// Every kept request by id.
    package private(set) var byID: [String: ControlRequest] = [:]
    /// The ids in submission order.
    private var order: [String] = []
    /// The most completed requests kept; older completed ones are forgotten first.
    package let completedCapacity: Int

    /// Creates an empty table.
    /// - Parameter completedCapacity: How many completed requests to keep.
    package init(completedCapacity: Int = 1_000) {
        self.completedCapacity = max(1, completedCapacity)
    }

    /// Every kept request, oldest first.
    package var all: [ControlRequest] { order.compactMap { byID[$0] } }

    /// Checks and stamps a new request, as ``ControlRequestStore/submitRequest(_:)``; call ``put(_:)`` with it.
    /// - Parameters:
    ///   - request: The request.
    ///   - now: The store's current time.
    /// - Returns: The request as it is to be stored.
    /// - Throws: ``StoreError`` with ``StoreError/Code/invalidRecord``.
    package func submission(_ request: ControlRequest, now: Date) throws(StoreError) -> ControlRequest {
        guard !request.id.isEmpty, request.id.count <= 128 else {
            throw StoreError(.invalidRecord, "a control request needs an id of 1-128 characters")
        }
        guard byID[request.id] == nil else {
            throw StoreError(.invalidRecord, "a control request with id \(request.id) already exists; use a new id")
        }
        guard request.state == .pending else {
            throw StoreError(
                .invalidRecord,
                "control request \(request.id) is \(request.state.rawValue); only pending ones can be submitted")
        }
        var stored = request
        stored.requestedAt = Timestamp.roundedToMilliseconds(now)
        stored.takenBy = nil
        stored.takenAt = nil
        stored.completedAt = nil
        return stored
    }

    /// The taken version of a pending request, as ``ControlRequestStore/takeRequest(id:owner:)``; `nil` when it
    /// is not pending or unknown.
    /// - Parameters:
    ///   - id: The request id.
    ///   - owner: Who takes it.
    ///   - now: The store's current time.
    /// - Returns: The request as it is to be stored.
    package func taking(id: String, owner: String, now: Date) -> ControlRequest? {
        guard var request = byID[id], request.state == .pending else { return nil }
        request.state = .taken
        request.takenBy = owner
        request.takenAt = Timestamp.roundedToMilliseconds(now)
        return request
    }

    /// The completed version of a request, as ``ControlRequestStore/completeRequest(id:owner:runID:runStatus:outcome:)``.
    /// - Parameters:
    ///   - id: The request id.
    ///   - owner: Who completes it.
    ///   - runID: The run concerned.
    ///   - runStatus: Its status.
    ///   - outcome: How it went.
    ///   - now: The store's current time.
    /// - Returns: The request to store, and whether it changed (a completed request is returned as it is).
    /// - Throws: ``StoreError`` with ``StoreError/Code/requestNotFound`` or ``StoreError/Code/leaseNotHeld``.
    package func completing(
        id: String, owner: String, runID: RunID?, runStatus: RunStatus?, outcome: String, now: Date
    ) throws(StoreError) -> (request: ControlRequest, changed: Bool) {
        guard var request = byID[id] else {
            throw StoreError(.requestNotFound, "no control request with id \(id)")
        }
        switch request.state {
        case .completed:
            return (request, false)
        case .taken where request.takenBy != owner:
            throw StoreError(
                .leaseNotHeld,
                "control request \(id) was taken by \(request.takenBy ?? "another runner"), not by \(owner)")
        case .pending, .taken:
            break
        }
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

    /// Stores a request (new or changed) and forgets the oldest completed ones beyond the capacity.
    /// - Parameter request: The request.
    package mutating func put(_ request: ControlRequest) {
        if byID.updateValue(request, forKey: request.id) == nil { order.append(request.id) }
        trim()
    }

    /// The requests in some states, oldest first, as ``ControlRequestStore/requests(in:limit:)``.
    /// - Parameters:
    ///   - states: The states wanted.
    ///   - limit: The most to return.
    /// - Returns: The requests.
    package func requests(in states: Set<ControlRequest.State>, limit: Int) -> [ControlRequest] {
        var found: [ControlRequest] = []
        for id in order {
            guard found.count < limit else { break }
            if let request = byID[id], states.contains(request.state) { found.append(request) }
        }
        return found
    }

    private mutating func trim() {
        let completed = order.filter { byID[$0]?.state == .completed }
        guard completed.count > completedCapacity else { return }
        let drop = Set(completed.prefix(completed.count - completedCapacity))
        for id in drop { byID.removeValue(forKey: id) }
        order.removeAll { drop.contains($0) }
    }
}
