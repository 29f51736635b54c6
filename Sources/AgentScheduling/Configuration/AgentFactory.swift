import AgentCore
import Foundation

/// Builds runnable agents from the configuration: the library's ``SubprocessAgent`` with its environment,
/// secrets, timeout, output bound, log root and failure patterns, wrapped in ``ConfiguredAgent``.
package enum AgentFactory {
    /// Builds one agent.
    /// - Parameters:
    ///   - agent: The agent's configuration.
    ///   - configuration: The whole file (for the log root).
    ///   - environment: agentctl's environment: inherited by the command, source of `{"fromEnv": …}` values and
    ///     of `AGENTCTL_TIMEOUT_SECONDS`.
    ///   - path: The agent's JSON path, for problems.
    /// - Throws: ``ConfigError``-ready problems: an unset variable, a bad `AGENTCTL_TIMEOUT_SECONDS`.
    package static func make(
        _ agent: AgentConfiguration, configuration: RunnerConfiguration, environment: [String: String],
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
        subprocess.approvalPattern = agent.approvalPattern
        var binding: CodingTaskBinding?
        if let selection = agent.codingTask {
            switch CodingTaskBinding.make(selection, configuration: configuration, environment: environment) {
            case .success(var made):
                // The tool is stopped at the task's limit by the binding itself, so that the run records the
                // timeout with its hint; the orchestrator's limit comes later, after the termination grace.
                made.timeout = timeout
                let grace = agent.terminationGracePeriod ?? agent.policy.cancellationGracePeriod / 2
                subprocess.timeout = timeout + grace + CodingTaskBinding.timeoutMargin
                binding = made
                subprocess.writesTranscript = true
                subprocess.agentLogDirectory = configuration.coding.agentLogDirectory(
                    for: agent.name.rawValue, logs: configuration.logsDirectory)
            case .failure(let problem): problems.append(problem)
            }
        }
        guard problems.isEmpty else { throw ProblemList(problems: problems) }
        do {
            let base = try SubprocessAgent(
                name: agent.name, configuration: subprocess, parentEnvironment: environment,
                schedule: agent.schedule, policy: agent.policy, owner: agent.owner, isEnabled: agent.isEnabled)
            return ConfiguredAgent(base: base, codingTask: binding)
        } catch {
            throw ProblemList(problems: [ConfigProblem(path: path, message: error.message)])
        }
    }
}
