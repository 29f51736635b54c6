import AgentCore
import AgentScheduling
import Foundation

/// `agentctl tools`: the coding tools (presets and configured), and whether each executable is on `PATH`.
enum ToolsCommand: AgentCommand {
    static let name = "tools"
    static let summary = "List the coding tools, their model and whether each executable is found on PATH"
    static let help = """
        USAGE: agentctl tools [--names]

        Lists the coding tools: the built-in presets (codex, claude, gemini, kilo, ollama, opencode, qwen) with the
        configuration's overrides, and the tools it adds. For each: where its executable is found on PATH (or
        "not found"), the model a run would use (after environment overrides such as OLLAMA_MODEL), how the prompt
        is passed, and whether it is a preset, overridden or configured.

        OPTIONS:
        \(CodingListing.optionsHelp)
        """

    static func run(_ arguments: [String], io: CommandIO) async -> Int32 {
        let context: CommandContext
        switch CodingListing.prepare(arguments, for: self, io: io, names: { $0.tools.map(\.name) }) {
        case .list(let loaded): context = loaded
        case .finished(let status): return status
        }
        let coding = context.configuration.coding
        var table = TextTable(["TOOL", "EXECUTABLE", "FOUND", "MODEL", "PROMPT", "SOURCE"])
        for tool in coding.tools {
            let found: String
            do {
                found = try ProcessLauncher.resolveExecutable(
                    tool.executable, environment: context.environment, workingDirectory: nil)
            } catch {
                found = "not found on PATH"
            }
            let preset = CodingToolPresets.tool(named: tool.name) != nil
            let source =
                coding.configuredToolNames.contains(tool.name)
                ? (preset ? "preset, overridden" : "configured") : "preset"
            var model = tool.model.resolved(in: context.environment) ?? "(tool default)"
            if let variable = tool.model.environmentVariable { model += " [\(variable)]" }
            table.add([tool.name, tool.executable, found, model, describe(tool.prompt), source])
        }
        io.print(table.render())
        return ExitCode.success
    }

    private static func describe(_ prompt: CodingTool.PromptDelivery) -> String {
        switch prompt {
        case .argument(let flag): flag.map { "\($0) PROMPT" } ?? "last argument"
        case .standardInput: "stdin"
        case .file(let flag): flag.map { "\($0) FILE" } ?? "file path"
        }
    }
}
