import AgentCore
import AgentScheduling
import AgentStorage
import Foundation

/// A pipeline store of one kind, more handles on it, and scripted agents.
final class PipelineHarness: Sendable {
    let clock = ManualClock(start: Date(timeIntervalSince1970: 1_736_899_200))
    let store: any PipelineStore
    let agents = ScriptedAgents()
    let events = EventBroadcaster()
    private let directory: TemporaryDirectory?

    init(_ kind: WorkflowStoreKind) async throws {
        switch kind {
        case .inMemory:
            directory = nil
            store = InMemoryAgentStore(clock: clock)
        case .jsonFile:
            let directory = try TemporaryDirectory("pipelines")
            self.directory = directory
            store = try await JSONFileAgentStore.open(directory: directory.url, clock: clock)
        }
    }

    /// Another handle on the same storage, as another process would open it (the same handle in memory).
    func handle() async throws -> any PipelineStore {
        guard let directory else { return store }
        return try await JSONFileAgentStore.open(directory: directory.url, clock: clock)
    }
}

extension AgentRunResult {
    /// A success reporting artifacts by name (URIs `mem://<name>`).
    static func producing(_ names: String...) -> AgentRunResult {
        AgentRunResult(outcome: .succeeded, artifacts: names.map { RunArtifact(name: $0, uri: "mem://\($0)") })
    }
}
