/// `agentctl resume AGENT`: undoes `pause` (and an automatic pause after repeated failures).
enum ResumeCommand: AgentCommand {
    static let name = "resume"
    static let summary = "Resume a paused agent (also one paused after repeated failures)"
    static let help = """
        USAGE: agentctl resume <agent>

        Resumes a paused agent, whether it was paused by hand or automatically after repeated failures, and
        resets its failure streak. A running 'agentctl serve' on the same store applies it within a second;
        fires missed while the agent was paused are handled by its misfire policy.

        OPTIONS:
        \(CommandContext.configHelp)

        EXIT STATUS: 0 when the agent is active (also when it was not paused), 1 when the store cannot be
        written, 2 for an unknown agent or bad usage.
        """

    static func run(_ arguments: [String], io: CommandIO) async -> Int32 {
        await PauseCommand.run(arguments, io: io, pausing: false)
    }
}
