import AgentCore

extension AgentRunner {
    /// The pipeline coordinator of a runner with staged pipelines; `nil` when none are configured.
    /// - Throws: ``PipelineError`` when a pipeline names an agent the runner does not have, two pipelines share a
    ///   name, or the store keeps no candidates.
    static func pipelineCoordinator(
        options: Options, agents: [any AgentDefinition], store: any AgentStore, scheduler: AgentScheduler,
        clock: any AgentClock, events: EventBroadcaster
    ) throws -> PipelineCoordinator? {
        guard !options.pipelines.isEmpty else { return nil }
        guard let candidates = store as? any PipelineStore else {
            throw PipelineError(
                "pipelines",
                "staged pipelines need a store that keeps candidates (a PipelineStore); this store does not")
        }
        let names = Set(agents.map(\.name))
        for pipeline in options.pipelines {
            let missing = pipeline.agents.subtracting(names).sorted()
            guard missing.isEmpty else {
                throw PipelineError(
                    "pipeline \(pipeline.name)",
                    "it names agents the runner does not have: \(missing.map(\.rawValue).joined(separator: ", "))")
            }
        }
        return try PipelineCoordinator(
            pipelines: options.pipelines, store: candidates, scheduler: scheduler, clock: clock, events: events,
            sweepInterval: options.abandonmentSweepInterval,
            takeoverGrace: max(options.presenceTimeToLive, options.abandonmentSweepInterval))
    }
}
