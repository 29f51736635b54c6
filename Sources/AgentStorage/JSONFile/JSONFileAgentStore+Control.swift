import AgentCore
import Foundation

// PLACEHOLDER being replaced by the JSON-file implementation of the control protocols (in progress).
extension JSONFileAgentStore {
    private static var pending: StoreError { StoreError(.unavailable, "not implemented yet") }
    /// Placeholder.
    public func markRunNotified(id: RunID) async throws -> RunRecord? { throw Self.pending }
    /// Placeholder.
    public func updateScheduleState(for agent: AgentName, _ change: @Sendable (inout ScheduleState) -> Void)
        async throws -> ScheduleState
    { throw Self.pending }
    /// Placeholder.
    public func latestChangeCursor() async throws -> ChangeCursor { throw Self.pending }
    /// Placeholder.
    public func changes(after cursor: ChangeCursor, limit: Int) async throws -> ChangePage { throw Self.pending }
    /// Placeholder.
    public func waitForChanges(after cursor: ChangeCursor) async throws { throw Self.pending }
    /// Placeholder.
    public func submitRequest(_ request: ControlRequest) async throws -> ControlRequest { throw Self.pending }
    /// Placeholder.
    public func takeRequest(id: String, owner: String) async throws -> ControlRequest? { throw Self.pending }
    /// Placeholder.
    public func completeRequest(id: String, owner: String, runID: RunID?, runStatus: RunStatus?, outcome: String)
        async throws -> ControlRequest
    { throw Self.pending }
    /// Placeholder.
    public func request(id: String) async throws -> ControlRequest? { throw Self.pending }
    /// Placeholder.
    public func requests(in states: Set<ControlRequest.State>, limit: Int) async throws -> [ControlRequest] {
        throw Self.pending
    }
    /// Placeholder.
    public func heartbeat(_ presence: RunnerPresence, timeToLive: Duration) async throws -> RunnerPresence {
        throw Self.pending
    }
    /// Placeholder.
    public func livePresences() async throws -> [RunnerPresence] { throw Self.pending }
    /// Placeholder.
    public func removePresence(id: String) async throws { throw Self.pending }
}
