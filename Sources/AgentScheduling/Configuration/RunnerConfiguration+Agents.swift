import AgentCore
import Foundation

extension RunnerConfiguration {
    /// What a process that runs agents needs: the agents, built and ready to run, and the webhooks that concern
    /// them.
    public struct Runnable: Sendable {
        /// The agents, in file order.
        public var agents: [ConfiguredAgent]
        /// The webhooks with their secrets resolved.
        public var webhooks: [WebhookConfiguration]
    }

    /// Builds the agents and webhooks of the file, resolving `{"fromEnv": …}` values and
    /// `AGENTCTL_TIMEOUT_SECONDS` from `environment`.
    /// - Parameters:
    ///   - names: Only these agents (default: all).
    ///   - environment: The process environment.
    ///   - shownPath: The file's path as the user gave it, for problems.
    /// - Returns: The agents in file order and their webhooks.
    /// - Throws: ``ConfigError`` with every problem found (an unset variable, a bad timeout), each with its JSON path.
    public func runnable(
        agents names: Set<String>? = nil, environment: [String: String], shownPath: String
    ) throws(ConfigError) -> Runnable {
        var agents: [ConfiguredAgent] = []
        var problems: [ConfigProblem] = []
        var chosen = self.agents.enumerated().filter { names?.contains($0.element.name.rawValue) ?? true }.map {
            (agent: $0.element, path: "agents[\($0.offset)]")
        }
        // Coding-task pairs without a schedule entry are built on demand (`run --task T --agent A`).
        for name in (names ?? []).sorted() where !chosen.contains(where: { $0.agent.name.rawValue == name }) {
            if let agent = coding.agentConfiguration(named: name) { chosen.append((agent, "tasks")) }
        }
        for (agent, path) in chosen {
            do {
                agents.append(
                    try AgentFactory.make(agent, configuration: self, environment: environment, path: path))
            } catch {
                problems += error.problems
            }
        }
        var webhooks: [WebhookConfiguration] = []
        switch self.webhooks(environment: environment, for: Set(agents.map(\.name))) {
        case .success(let resolved): webhooks = resolved
        case .failure(let error): problems += error.problems
        }
        guard problems.isEmpty else { throw ConfigError(file: shownPath, problems: problems) }
        return Runnable(agents: agents, webhooks: webhooks)
    }
}
