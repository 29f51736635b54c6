import AgentCore
import AgentScheduling
import Foundation

/// What the API works on: the runner (its store, scheduler and control), the configuration (log directories,
/// agents), the live event hub and the metrics. One per server.
public final class RunnerGateway: Sendable {
    /// The runner.
    public let runner: AgentRunner
    /// The runner's configuration.
    public let configuration: RunnerConfiguration
    /// The live events of the WebSocket.
    public let hub: EventHub
    /// The Prometheus metrics.
    public let metrics: RunMetrics
    /// The agents the runner schedules.
    public let agentNames: [AgentName]

    /// The store.
    public var store: any AgentStore { runner.store }

    /// Creates a gateway and attaches the hub and the metrics to the runner's events.
    /// - Parameters:
    ///   - runner: The runner.
    ///   - configuration: Its configuration.
    ///   - agentNames: The agents it schedules.
    public init(runner: AgentRunner, configuration: RunnerConfiguration, agentNames: [AgentName]) {
        self.runner = runner
        self.configuration = configuration
        self.agentNames = agentNames.sorted()
        self.hub = EventHub(events: runner.events)
        self.metrics = RunMetrics(events: runner.events)
    }

    /// The figures of the runner's staged pipelines per stage, from the store (none without pipelines).
    /// - Returns: Duration, retries, failure classes, queue depth and hand-off latency per pipeline and stage.
    /// - Throws: ``AgentCore/StoreError`` when the store cannot be read.
    public func pipelineFigures() async throws -> [PipelineMetrics.StageFigures] {
        let pipelines = runner.options.pipelines
        guard !pipelines.isEmpty, let store = store as? any PipelineStore else { return [] }
        return try await PipelineMetrics.figures(of: pipelines, in: store)
    }

    /// The agent named in a path or query, which must be one the runner schedules.
    /// - Parameters:
    ///   - text: The name as sent.
    ///   - field: Where it was sent, for the error.
    /// - Returns: The agent's name.
    /// - Throws: ``APIError``: 400 for a malformed name, 404 for an agent the runner does not schedule.
    public func agent(_ text: String, field: String) throws(APIError) -> AgentName {
        let name = try Self.agentName(text, field: field)
        guard agentNames.contains(name) else {
            throw APIError.notFound(
                "unknownAgent",
                "no agent named \"\(text)\"; agents: \(agentNames.map(\.rawValue).joined(separator: ", "))",
                field: field)
        }
        return name
    }

    /// A syntactically valid agent name.
    /// - Parameters:
    ///   - text: The name as sent.
    ///   - field: Where it was sent.
    /// - Returns: The name.
    /// - Throws: ``APIError`` 400 for a malformed name.
    public static func agentName(_ text: String, field: String) throws(APIError) -> AgentName {
        do {
            return try AgentName(text)
        } catch {
            throw APIError.invalid(field, "\"\(text)\" is not an agent name: \(error)")
        }
    }

    /// The run with this id.
    /// - Parameter text: The id as sent.
    /// - Returns: The record.
    /// - Throws: ``APIError``: 400 for a malformed id, 404 for an unknown run.
    public func run(_ text: String) async throws -> RunRecord {
        let id: RunID
        do {
            id = try RunID(text)
        } catch {
            throw APIError.invalid("id", "\"\(text)\" is not a run id: \(error)")
        }
        guard let record = try await store.run(id: id) else {
            throw APIError.notFound("runNotFound", "no run with id \(text)", field: "id")
        }
        return record
    }
}
