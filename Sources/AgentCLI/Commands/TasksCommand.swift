import AgentCore
import AgentScheduling
import Foundation

/// `agentctl tasks`: the coding tasks of the configuration.
enum TasksCommand: AgentCommand {
    static let name = "tasks"
    static let summary = "List the coding tasks: prompt file, whether a commit is required, timeout"
    static let help = """
        USAGE: agentctl tasks [--names]

        Lists the coding tasks of the configuration ("tasks"): the prompt file, whether a run must make a git
        commit (and what a run without one becomes), the time limit and the working directory. Run one with
        'agentctl run --task TASK --agent TOOL'; see Docs/CodingAgents.md.

        OPTIONS:
        \(CodingListing.optionsHelp)
        """

    static func run(_ arguments: [String], io: CommandIO) async -> Int32 {
        let context: CommandContext
        switch CodingListing.prepare(arguments, for: self, io: io, names: { $0.tasks.map(\.name) }) {
        case .list(let loaded): context = loaded
        case .finished(let status): return status
        }
        let coding = context.configuration.coding
        guard !coding.tasks.isEmpty else {
            io.print(
                "No coding tasks are configured; add \"tasks\" to \(context.shownPath) (see Docs/CodingAgents.md).")
            return ExitCode.success
        }
        let base = context.configuration.file.deletingLastPathComponent()
        var table = TextTable(["TASK", "PROMPT", "COMMIT", "TIMEOUT", "DIRECTORY", "DESCRIPTION"])
        for task in coding.tasks {
            let commit = task.requiresCommit ? "required (else \(task.missingCommitOutcome.rawValue))" : "-"
            table.add([
                task.name, relative(task.promptFile, to: base), commit,
                task.timeout.map(DurationText.format) ?? "default",
                relative(task.workingDirectory ?? base, to: base), task.description ?? "",
            ])
        }
        io.print(table.render())
        return ExitCode.success
    }

    /// A path relative to the configuration's directory when it is inside it.
    static func relative(_ url: URL, to base: URL) -> String {
        let path = url.standardizedFileURL.path
        let prefix = base.standardizedFileURL.path
        if path == prefix { return "." }
        return path.hasPrefix(prefix + "/") ? String(path.dropFirst(prefix.count + 1)) : path
    }
}
