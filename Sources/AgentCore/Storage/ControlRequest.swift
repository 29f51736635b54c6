import Foundation

/// A request written to the store by one process for a live runner to carry out: run an agent now, or cancel a
/// run. Runners learn about it through the change feed; exactly one of them takes it
/// (``ControlRequestStore/takeRequest(id:owner:)``), acts, and completes it with the outcome, which the requester
/// reads from the store.
public struct ControlRequest: Sendable, Hashable, Codable {
    /// What is asked.
    public enum Action: Sendable, Hashable, Codable {
        /// Run an agent now with this request (normally a ``RunTrigger/manual`` one).
        case run(request: AgentRunRequest)
        /// Cancel a queued or running run; its owner cancels it (and stops its process group) and records
        /// ``RunStatus/cancelled``.
        case cancel(runID: RunID, reason: String?)

        /// The agent a run request is for, if it is one.
        public var agentName: AgentName? {
            if case .run(let request) = self { return request.agentName }
            return nil
        }
    }

    /// Where a request is in its life.
    public enum State: String, Sendable, Hashable, Codable, CaseIterable {
        /// Written, not yet taken by a runner.
        case pending
        /// A runner took it and is acting on it.
        case taken
        /// Done; ``ControlRequest/outcome`` says how it went.
        case completed
    }

    /// The request's id: unique in the store, time-sortable (a ``RunIDGenerator`` value, as text).
    public var id: String
    /// What is asked.
    public var action: Action
    /// Who asked (a person, a process, a host).
    public var requestedBy: String
    /// When it was written, on the store's clock (set by the store).
    public var requestedAt: Date
    /// Where the request is.
    public var state: State
    /// The runner that took it.
    public var takenBy: String?
    /// When it was taken, on the store's clock.
    public var takenAt: Date?
    /// When it was completed, on the store's clock.
    public var completedAt: Date?
    /// The run it started or cancelled, once known.
    public var runID: RunID?
    /// The status of that run when the request was completed.
    public var runStatus: RunStatus?
    /// How it went, in words (for example "run 01J… succeeded", or why it could not be done).
    public var outcome: String?

    /// Creates a pending request; the store sets ``requestedAt`` when it is submitted.
    /// - Parameters:
    ///   - id: A unique, time-sortable id (default: a new run-id-style value).
    ///   - action: What is asked.
    ///   - requestedBy: Who asks.
    public init(id: String = RunIDGenerator().next(at: Date()).rawValue, action: Action, requestedBy: String) {
        self.id = id
        self.action = action
        self.requestedBy = requestedBy
        self.requestedAt = Date(timeIntervalSince1970: 0)
        self.state = .pending
    }
}
