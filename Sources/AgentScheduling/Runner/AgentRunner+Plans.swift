import AgentCore

extension AgentRunner {
    /// The plan coordinator of a runner whose store keeps workflows; `nil` for other stores without plans.
    /// - Throws: ``PlanError`` when a plan names an agent the runner does not have, or plans are configured on a
    ///   store without plan runs.
    static func planCoordinator(
        options: Options, agents: [any AgentDefinition], store: any AgentStore, scheduler: AgentScheduler,
        clock: any AgentClock, events: EventBroadcaster
    ) throws -> PlanCoordinator? {
        guard let workflows = store as? any WorkflowStore else {
            guard options.plans.isEmpty else {
                throw PlanError(
                    .invalidSchedule,
                    "plans need a store that keeps plan runs and approvals (a WorkflowStore); this store does not")
            }
            return nil
        }
        let names = Set(agents.map(\.name))
        for plan in options.plans { try plan.validate(agents: names) }
        return try PlanCoordinator(
            plans: options.plans, store: workflows, scheduler: scheduler, clock: clock, events: events,
            approvalPolicies: options.approvalPolicies, sweepInterval: options.abandonmentSweepInterval)
    }
}
