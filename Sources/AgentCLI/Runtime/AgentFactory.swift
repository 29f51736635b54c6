import AgentCore
import AgentScheduling
import Foundation

/// Builds runnable agents from the configuration: the library's ``SubprocessAgent`` with its environment,
/// secrets, timeout, output bound, log root and failure patterns, wrapped in ``ConfiguredAgent``.
enum AgentFactory {
    /// Builds one agent.
    /// - Parameters:
    ///   - agent: The agent's configuration.
    ///   - configuration: The whole file (for the log root).
    ///   - environment: agentctl's environment: inherited by the command, source of `{"fromEnv": …}` values and
    ///     of `AGENTCTL_TIMEOUT_SECONDS`.
    ///   - path: The agent's JSON path, for problems.
    /// - Throws: ``ConfigError``-ready problems: an unset variable, a bad `AGENTCTL_TIMEOUT_SECONDS`.
    static func make(
        _ agent: AgentConfiguration, configuration: AgentctlConfiguration, environment: [String: String],
        path: String
    ) throws(ProblemList) -> ConfiguredAgent {
        var problems: [ConfigProblem] = []
        var variables = SubprocessEnvironment(inheritsParent: agent.inheritsEnvironment)
        for (name, value) in agent.environment {
            guard let value else {
                variables.removals.insert(name)
                continue
            }
            guard let text = value.resolve(in: environment) else {
                if case .environment(let source) = value.source {
                    problems.append(
                        ConfigProblem(
                            path: ConfigReader.path(path + ".env", key: name),
                            message: "the environment variable \(source) is not set; export it before starting agentctl"
                        ))
                }
                continue
            }
            variables.set(name, to: text, secret: value.isSecret)
        }
        let timeout: Duration
        do {
            timeout = try SubprocessConfiguration.timeout(explicit: agent.timeout, environment: environment)
        } catch {
            problems.append(ConfigProblem(path: path + ".timeout", message: error.message))
            timeout = SubprocessConfiguration.defaultTimeout
        }
        var subprocess = SubprocessConfiguration(
            executable: agent.executable, arguments: agent.arguments, environment: variables,
            workingDirectory: agent.workingDirectory.map { URL(fileURLWithPath: $0, isDirectory: true) },
            timeout: timeout, terminationGracePeriod: agent.terminationGracePeriod,
            logRoot: configuration.logsDirectory, failurePatterns: agent.failurePatterns)
        if let limit = agent.maximumOutputBytes { subprocess.maximumOutputBytes = limit }
        guard problems.isEmpty else { throw ProblemList(problems: problems) }
        do {
            let base = try SubprocessAgent(
                name: agent.name, configuration: subprocess, parentEnvironment: environment,
                schedule: agent.schedule, policy: agent.policy, owner: agent.owner, isEnabled: agent.isEnabled)
            return ConfiguredAgent(base: base)
        } catch {
            throw ProblemList(problems: [ConfigProblem(path: path, message: error.message)])
        }
    }
}

extension CommandContext {
    /// What a process that runs agents needs: the agents and the webhooks that concern them.
    struct Runnable: Sendable {
        var agents: [ConfiguredAgent]
        var webhooks: [WebhookConfiguration]
    }

    /// Builds the agents that will run in this process and their webhooks, printing every problem on failure
    /// (an unset `{"fromEnv": …}` variable, a bad `AGENTCTL_TIMEOUT_SECONDS`).
    /// - Parameters:
    ///   - names: Only these agents (default: all).
    ///   - command: The command's name, for messages.
    ///   - io: Where problems are printed.
    /// - Returns: The agents in file order and the webhooks, or `nil` (exit status 2).
    func runnable(_ names: Set<String>? = nil, command: String, io: CommandIO) -> Runnable? {
        var agents: [ConfiguredAgent] = []
        var problems: [ConfigProblem] = []
        for (index, agent) in configuration.agents.enumerated() where names?.contains(agent.name.rawValue) ?? true {
            do {
                agents.append(
                    try AgentFactory.make(
                        agent, configuration: configuration, environment: environment, path: "agents[\(index)]"))
            } catch {
                problems += error.problems
            }
        }
        var webhooks: [WebhookConfiguration] = []
        switch configuration.webhooks(environment: environment, for: Set(agents.map(\.name))) {
        case .success(let resolved): webhooks = resolved
        case .failure(let error): problems += error.problems
        }
        guard problems.isEmpty else {
            CommandContext.report(ConfigError(file: shownPath, problems: problems), command: command, io: io)
            return nil
        }
        return Runnable(agents: agents, webhooks: webhooks)
    }
}
