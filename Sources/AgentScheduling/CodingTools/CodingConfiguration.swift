import AgentCore
import Foundation

/// The coding tools and tasks of `agentctl.json` (`tools`, `tasks`, `taskSchedules`), with the built-in presets.
///
/// Any task can run with any tool: the pair is the agent named `<task>.<tool>` (for example
/// `document_coverage.claude`), whose runs are logged in `<logs>/<task>/<tool>/<run-id>/`. The pairs written in
/// `taskSchedules` are agents of the configuration like any other (scheduled, in `schedules` and `health`);
/// the others are built when `agentctl run --task T --agent A` asks for them.
public struct CodingConfiguration: Sendable {
    /// Every tool: the presets (with the file's overrides) and the tools the file adds, by name.
    public var tools: [CodingTool]
    /// The names of the tools the file writes (overriding a preset or new).
    public var configuredToolNames: Set<String>
    /// The tasks, by name.
    public var tasks: [CodingTask]
    /// The configuration file's directory: the working directory of tasks that name none.
    public var directory: URL?

    /// Creates the coding part of a configuration.
    /// - Parameters:
    ///   - tools: The tools (default: the presets).
    ///   - configuredToolNames: Which tools the file writes.
    ///   - tasks: The tasks.
    ///   - directory: The configuration file's directory.
    public init(
        tools: [CodingTool] = CodingToolPresets.all, configuredToolNames: Set<String> = [], tasks: [CodingTask] = [],
        directory: URL? = nil
    ) {
        self.tools = tools.sorted { $0.name < $1.name }
        self.configuredToolNames = configuredToolNames
        self.tasks = tasks
        self.directory = directory
    }

    /// The tool with this name.
    public func tool(named name: String) -> CodingTool? { tools.first { $0.name == name } }

    /// The task with this name.
    public func task(named name: String) -> CodingTask? { tasks.first { $0.name == name } }

    /// The agent name of a task run with a tool: `<task>.<tool>`.
    /// - Parameters:
    ///   - task: The task's name.
    ///   - tool: The tool's name.
    /// - Returns: The name.
    public static func agentName(task: String, tool: String) -> String { "\(task).\(tool)" }

    /// The task and tool of an agent name `<task>.<tool>`, when both exist.
    /// - Parameter agentName: The name.
    /// - Returns: The pair, or `nil` for other agents.
    public func pair(for agentName: String) -> (task: CodingTask, tool: CodingTool)? {
        guard let dot = agentName.firstIndex(of: ".") else { return nil }
        guard let task = task(named: String(agentName[..<dot])),
            let tool = tool(named: String(agentName[agentName.index(after: dot)...]))
        else { return nil }
        return (task, tool)
    }

    /// The directory that holds a pair's runs: `<logs>/<task>/<tool>/`.
    /// - Parameters:
    ///   - agentName: The pair's agent name.
    ///   - logs: The configuration's log root.
    /// - Returns: The directory, or `nil` when the name is not a pair.
    public func agentLogDirectory(for agentName: String, logs: URL) -> URL? {
        guard let pair = pair(for: agentName) else { return nil }
        return logs.appendingPathComponent(pair.task.name, isDirectory: true)
            .appendingPathComponent(pair.tool.name, isDirectory: true)
    }

    /// Why `<task>.<tool>` names no pair: which of the two is unknown, with the known names.
    /// - Parameter agentName: The name that was not found.
    /// - Returns: The explanation, or `nil` when the name has no `.`.
    public func explainUnknownPair(_ agentName: String) -> String? {
        guard let dot = agentName.firstIndex(of: ".") else { return nil }
        let taskName = String(agentName[..<dot])
        let toolName = String(agentName[agentName.index(after: dot)...])
        var parts: [String] = []
        if task(named: taskName) == nil {
            let known = tasks.map(\.name).joined(separator: ", ")
            parts.append("No task is named \"\(taskName)\" (tasks: \(known.isEmpty ? "none; add \"tasks\"" : known)).")
        }
        if tool(named: toolName) == nil {
            parts.append("No tool is named \"\(toolName)\" (tools: \(tools.map(\.name).joined(separator: ", "))).")
        }
        return parts.isEmpty ? nil : parts.joined(separator: " ")
    }

    /// The agent of a pair that no `taskSchedules` entry names: manual runs only, default policies.
    /// - Parameter agentName: `<task>.<tool>`.
    /// - Returns: The agent's configuration, or `nil` when the name is not a pair.
    public func agentConfiguration(named agentName: String) -> AgentConfiguration? {
        guard let (task, tool) = pair(for: agentName), let name = try? AgentName(agentName) else { return nil }
        var owner = OwnerMetadata()
        owner.labels = ["task": task.name, "tool": tool.name]
        var agent = AgentConfiguration(
            name: name, executable: tool.executable, arguments: tool.arguments, environment: tool.environment,
            inheritsEnvironment: true, workingDirectory: (task.workingDirectory ?? directory)?.path,
            schedule: .manualOnly, timeout: task.timeout, terminationGracePeriod: nil, maximumOutputBytes: nil,
            retry: RetryPolicy(), priority: .normal, overlap: .skip, misfire: .default,
            autoPauseAfterConsecutiveFailures: 5, isEnabled: true, owner: owner,
            failurePatterns: task.failurePatterns + tool.failurePatterns, notifications: [])
        agent.codingTask = CodingTaskSelection(task: task.name, tool: tool.name)
        return agent
    }
}

/// The task and tool an agent of the configuration runs (``AgentConfiguration/codingTask``).
public struct CodingTaskSelection: Sendable, Hashable {
    /// The task's name.
    public var task: String
    /// The tool's name.
    public var tool: String

    /// Creates a selection.
    /// - Parameters:
    ///   - task: The task's name.
    ///   - tool: The tool's name.
    public init(task: String, tool: String) {
        self.task = task
        self.tool = tool
    }
}
