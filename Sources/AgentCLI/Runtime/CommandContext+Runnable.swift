import AgentScheduling

extension CommandContext {
    /// What a process that runs agents needs: the agents and the webhooks that concern them.
    typealias Runnable = RunnerConfiguration.Runnable

    /// Builds the agents that will run in this process and their webhooks, printing every problem on failure
    /// (an unset `{"fromEnv": …}` variable, a bad `AGENTCTL_TIMEOUT_SECONDS`).
    /// - Parameters:
    ///   - names: Only these agents (default: all).
    ///   - command: The command's name, for messages.
    ///   - io: Where problems are printed.
    /// - Returns: The agents in file order and the webhooks, or `nil` (exit status 2).
    func runnable(_ names: Set<String>? = nil, command: String, io: CommandIO) -> Runnable? {
        do {
            return try configuration.runnable(agents: names, environment: environment, shownPath: shownPath)
        } catch {
            CommandContext.report(error, command: command, io: io)
            return nil
        }
    }
}
