import AgentCore
import AgentScheduling
import AgentStorage
import Foundation

/// A pipeline store of one kind, more handles on it, and coordinators (each with its own scheduler, as separate
/// runners would have) over scripted agents.
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

    /// A coordinator with its own scheduler over `store`, running the scripted agents.
    func coordinator(
        _ pipeline: PipelineDefinition, store: (any PipelineStore)? = nil, owner: String = "runner-a",
        retry: RetryPolicy = .never
    ) throws -> PipelineCoordinator {
        let configuration = SchedulerConfiguration.deterministic(owner: owner)
        let store = store ?? self.store
        let scheduler = try AgentScheduler(
            agents: pipeline.agents.sorted().map { agents.agent($0, retry: retry) }, store: store, clock: clock,
            events: events, configuration: configuration)
        return try PipelineCoordinator(
            pipelines: [pipeline], store: store, scheduler: scheduler, clock: clock, events: events)
    }
}

extension AgentRunResult {
    /// A success reporting artifacts by name (URIs `mem://<name>`).
    static func producing(_ names: String...) -> AgentRunResult {
        AgentRunResult(outcome: .succeeded, artifacts: names.map { RunArtifact(name: $0, uri: "mem://\($0)") })
    }
}
