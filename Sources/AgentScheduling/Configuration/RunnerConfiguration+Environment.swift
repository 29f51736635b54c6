import AgentCore

extension RunnerConfiguration {
    /// The library's webhooks, with their `{"fromEnv": …}` values read from `environment`.
    ///
    /// Resolved when agents are about to run (`serve`, `run`, `backfill`) and by `validate`, but not by commands
    /// that only read records, so that `agentctl runs` works in a shell without the secrets.
    /// - Parameter agents: Only the webhooks that concern these agents (default: all).
    /// - Returns: The webhooks, or every problem (an unset variable, an invalid URL).
    package func webhooks(environment: [String: String], for agents: Set<AgentName>? = nil)
        -> Result<[WebhookConfiguration], ProblemList>
    {
        var webhooks: [WebhookConfiguration] = []
        var problems: [ConfigProblem] = []
        for notification in notifications {
            if let agents, let targets = notification.agents, targets.isDisjoint(with: agents) { continue }
            switch notification.webhook(environment: environment) {
            case .success(let webhook): webhooks.append(webhook)
            case .failure(let problem): problems.append(problem)
            }
        }
        return problems.isEmpty ? .success(webhooks) : .failure(ProblemList(problems: problems))
    }
}
