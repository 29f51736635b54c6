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
        guard byID[request.id] == nil else {
            throw StoreError(.invalidRecord, "a control request with id \(request.id) already exists; use a new id")
        }
        return try request.submitted(at: now)
    }

    /// The taken version of a pending request, as ``ControlRequestStore/takeRequest(id:owner:)``; `nil` when it
    /// is not pending or unknown.
    /// - Parameters:
    ///   - id: The request id.
    ///   - owner: Who takes it.
    ///   - now: The store's current time.
    /// - Returns: The request as it is to be stored.
    package func taking(id: String, owner: String, now: Date) -> ControlRequest? {
        byID[id]?.taken(by: owner, at: now)
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
        guard let request = byID[id] else {
            throw StoreError(.requestNotFound, "no control request with id \(id)")
        }
        return try request.completed(by: owner, runID: runID, runStatus: runStatus, outcome: outcome, at: now)
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
