import AgentCore
import AgentScheduling
import Foundation

/// `agentctl completion bash|zsh|fish`: a shell completion script for verbs, options, and agent, task and tool
/// names (the names are read from the configuration when completing, through `agentctl completion --list`).
enum CompletionCommand: AgentCommand {
    static let name = "completion"
    static let summary = "Print a shell completion script (bash, zsh or fish)"
    static let help = """
        USAGE: agentctl completion bash|zsh|fish
               agentctl completion --list agents|tasks|tools [--config PATH]

        Prints a completion script that completes commands, their options, agent names (run, logs, pause, resume,
        backfill), task names after --task and tool names after --agent. Names come from the configuration in
        the working directory (or the --config on the command line being completed) each time you press Tab.

        INSTALL:
          bash   echo 'source <(agentctl completion bash)' >> ~/.bashrc
          zsh    agentctl completion zsh > "${fpath[1]}/_agentctl"   (then restart zsh, with compinit enabled)
          fish   agentctl completion fish > ~/.config/fish/completions/agentctl.fish

        OPTIONS:
          --list KIND       Print the names of the configured agents, tasks or tools, one per line
        \(CommandContext.configHelp)

        EXIT STATUS: 0 on success, 2 for an unknown shell or kind.
        """

    /// The shells a script can be printed for.
    static let shells = ["bash", "zsh", "fish"]

    static func run(_ arguments: [String], io: CommandIO) async -> Int32 {
        guard let parsed = parse(arguments, io: io, options: ["list", CommandContext.configOption]) else {
            return helpRequested(arguments) ? ExitCode.success : ExitCode.usage
        }
        if let kind = parsed.value("list") {
            guard let context = CommandContext.load(parsed, command: name, io: io, fileRequired: false) else {
                return ExitCode.usage
            }
            switch kind {
            case "agents": context.configuration.agents.forEach { io.print($0.name.rawValue) }
            case "tasks": context.configuration.coding.tasks.forEach { io.print($0.name) }
            case "tools": context.configuration.coding.tools.forEach { io.print($0.name) }
            default:
                io.printError("agentctl completion: --list takes agents, tasks or tools, not \"\(kind)\"")
                return ExitCode.usage
            }
            return ExitCode.success
        }
        guard parsed.positionals.count == 1, let shell = parsed.positionals.first, shells.contains(shell) else {
            io.printError("agentctl completion: name a shell: bash, zsh or fish")
            return ExitCode.usage
        }
        let script = CompletionScript(commands: commandOptions())
        switch shell {
        case "bash": io.write(script.bash)
        case "zsh": io.write(script.zsh)
        default: io.write(script.fish)
        }
        return ExitCode.success
    }

    /// Every command with the options its help lists.
    static func commandOptions() -> [CompletionScript.Command] {
        let pattern = /--([a-z][a-z-]*)/
        return CommandRouter.commands.map { command in
            var options: [String] = []
            for match in command.help.matches(of: pattern) where !options.contains(String(match.1)) {
                options.append(String(match.1))
            }
            if !options.contains("help") { options.append("help") }
            let takesAgent = command.help.contains("<agent>")
            return CompletionScript.Command(name: command.name, options: options, takesAgent: takesAgent)
        }
    }
}
