import AgentCore
import AgentScheduling
import Foundation

/// `agentctl pause AGENT` and, through ``run(_:io:pausing:)``, `agentctl resume AGENT`.
enum PauseCommand: AgentCommand {
    static let name = "pause"
    static let summary = "Stop an agent's schedule until it is resumed (also in a running serve)"
    static let help = """
        USAGE: agentctl pause <agent> [--reason TEXT]

        Pauses an agent: no scheduled fire of it starts until 'agentctl resume'. The pause is kept in the store,
        so it survives restarts, and a running 'agentctl serve' on the same store applies it within a second.
        Manual runs ('agentctl run') still work. Fires that pass while the agent is paused are handled by its
        misfire policy when it is resumed.

        OPTIONS:
          --reason TEXT     Why (shown by 'schedules' and 'health'; default "paused with agentctl pause")
        \(CommandContext.configHelp)

        EXIT STATUS: 0 when the agent is paused (also when it already was), 1 when the store cannot be
        written, 2 for an unknown agent or bad usage.
        """

    static func run(_ arguments: [String], io: CommandIO) async -> Int32 {
        await run(arguments, io: io, pausing: true)
    }

    /// Pauses or resumes the agent named in `arguments`.
    static func run(_ arguments: [String], io: CommandIO, pausing: Bool) async -> Int32 {
        let command = pausing ? name : ResumeCommand.name
        let options: Set<String> = pausing ? ["reason", CommandContext.configOption] : [CommandContext.configOption]
        let parsed: ParsedArguments
        if arguments.contains("--help") || arguments.contains("-h") {
            io.print(pausing ? help : ResumeCommand.help)
            return ExitCode.success
        }
        do {
            parsed = try ParsedArguments(arguments, valueOptions: options, flagOptions: [])
        } catch {
            io.printError("agentctl \(command): \(error.message)")
            return ExitCode.usage
        }
        guard parsed.positionals.count == 1, let agentName = parsed.positionals.first else {
            io.printError("agentctl \(command): name one agent, for example: agentctl \(command) nightly-review")
            return ExitCode.usage
        }
        guard let context = CommandContext.load(parsed, command: command, io: io, fileRequired: true) else {
            return ExitCode.usage
        }
        guard let agent = context.agent(agentName, command: command, io: io) else { return ExitCode.usage }
        guard let store = await context.openStore(forScheduling: false, command: command, io: io) else {
            return ExitCode.failure
        }
        let control = RunnerControl(store: store)
        let outcome: (state: ScheduleState, changed: Bool)
        let runners: [RunnerPresence]
        do {
            outcome =
                pausing
                ? try await control.pause(agent.name, reason: parsed.value("reason") ?? "paused with agentctl pause")
                : try await control.resume(agent.name)
            runners = try await control.liveRunners()
        } catch {
            io.printError("agentctl \(command): \(error)")
            return ExitCode.failure
        }
        let applied =
            runners.isEmpty
            ? " No runner is live on this store; the next one to start applies it."
            : " \(runners.count == 1 ? "The live runner applies" : "The \(runners.count) live runners apply") it within a second."
        switch (pausing, outcome.changed) {
        case (true, false):
            io.print("\(agent.name) is already paused (\(outcome.state.pausedReason ?? "no reason given")).")
        case (true, true):
            io.print(
                "Paused \(agent.name): \(outcome.state.pausedReason ?? "").\(applied) "
                    + "Resume with 'agentctl resume \(agent.name)'.")
        case (false, false):
            io.print("\(agent.name) is not paused.")
        case (false, true):
            io.print("Resumed \(agent.name); its failure streak was reset.\(applied)")
        }
        return ExitCode.success
    }
}
