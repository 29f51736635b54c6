import AgentCore
import Foundation

extension CodingConfiguration {
    /// What the file's coding keys produce: the tools and tasks, and an agent for each `taskSchedules` entry.
    package struct Parsed {
        package var configuration: CodingConfiguration
        /// The scheduled pairs, with their JSON paths.
        package var agents: [(path: String, agent: AgentConfiguration)]
    }

    /// The longest task or tool name, so that `<task>.<tool>` is a valid agent name.
    static let maximumNameLength = 31

    /// Reads `tools`, `tasks` and `taskSchedules` from the document; reports every problem.
    package static func read(_ reader: ConfigReader, context: AgentConfiguration.ParseContext) -> Parsed {
        var configuration = CodingConfiguration(directory: context.directory)
        // Names written in the file, also those with problems (already reported), so that a schedule naming
        // one does not add a misleading "no task is named …".
        var written: Set<String> = []
        forEachEntry(of: "tools", in: reader, what: "tool", written: &written) { name, entry in
            guard let tool = readTool(entry, name: name, preset: configuration.tool(named: name)) else { return }
            configuration.configuredToolNames.insert(name)
            configuration.tools.removeAll { $0.name == name }
            configuration.tools.append(tool)
        }
        configuration.tools.sort { $0.name < $1.name }
        forEachEntry(of: "tasks", in: reader, what: "task", written: &written) { name, entry in
            if let task = readTask(entry, name: name, context: context) { configuration.tasks.append(task) }
        }
        var agents: [(String, AgentConfiguration)] = []
        for (path, node) in reader.array("taskSchedules") ?? [] {
            if let agent = readSchedule(
                node, path: path, configuration: configuration, written: written, context: context,
                problems: reader.problems)
            {
                agents.append((path, agent))
            }
        }
        return Parsed(configuration: configuration, agents: agents)
    }

    /// Calls `body` with each entry of the object `key` whose name is valid, noting every written name.
    private static func forEachEntry(
        of key: String, in reader: ConfigReader, what: String, written: inout Set<String>,
        _ body: (String, ConfigReader) -> Void
    ) {
        guard let object = reader.object(key) else { return }
        defer { object.finish() }
        for name in object.keys {
            written.insert(name)
            guard validName(name, path: object.path(name), what: what, reader: object), let entry = object.object(name)
            else { continue }
            defer { entry.finish() }
            body(name, entry)
        }
    }

    private static func validName(_ name: String, path: String, what: String, reader: ConfigReader) -> Bool {
        let allowed = name.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-")
        }
        guard let first = name.unicodeScalars.first, first.isASCII, first != "_", first != "-", allowed,
            name.count <= maximumNameLength
        else {
            reader.problems.report(
                path,
                "\"\(name)\" is not a valid \(what) name: use 1-\(maximumNameLength) letters, digits, '_' or '-', starting with a letter or digit",
                at: reader.member(name))
            return false
        }
        return true
    }

    /// One `tools` entry: a preset's keys replaced by those written, or a new tool.
    private static func readTool(_ reader: ConfigReader, name: String, preset: CodingTool?) -> CodingTool? {
        let before = reader.problems.list.count
        let executable =
            reader.nonEmptyString(
                "executable", required: preset == nil ? "the program to run, for example \"\(name)\"" : nil)
            ?? preset?.executable
        var tool = preset ?? CodingTool(name: name, executable: executable ?? name)
        if let executable { tool.executable = executable }
        if let arguments = reader.strings("arguments") { tool.arguments = arguments }
        if let node = reader.member("prompt") {
            readPrompt(node, path: reader.path("prompt"), into: &tool, reader: reader)
        }
        if let node = reader.member("model") {
            switch node.value {
            case .string(let value):
                tool.model.value = value
            case .object:
                if let model = reader.object("model") {
                    defer { model.finish() }
                    if let value = model.string("value") { tool.model.value = value }
                    if let flag = model.string("flag") { tool.model.flag = flag.isEmpty ? nil : flag }
                    if let variable = model.nonEmptyString("env") {
                        if EnvironmentName.isValid(variable) {
                            tool.model.environmentVariable = variable
                        } else {
                            model.report(
                                "env", "\"\(variable)\" is not an environment variable name (letters, digits, _)")
                        }
                    }
                }
            default:
                reader.report(
                    "model", "expected a model name or {\"value\": …, \"flag\": \"--model\", \"env\": \"VARIABLE\"}")
            }
        }
        if reader.has("env") { tool.environment += AgentConfiguration.readEnvironment(reader) }
        if let node = reader.member("usage") {
            if case .bool(false) = node.value {
                tool.usage = nil
            } else if let usage = reader.object("usage") {
                tool.usage = readUsage(usage)
            }
        }
        tool.failurePatterns = AgentConfiguration.readFailurePatterns(reader) + tool.failurePatterns
        return reader.problems.list.count == before ? tool : nil
    }

    /// `"prompt": "argument" | "stdin" | "file"` or `{"via": …, "flag": "--prompt"}`.
    private static func readPrompt(_ node: JSONNode, path: String, into tool: inout CodingTool, reader: ConfigReader) {
        let vias = ["argument", "stdin", "file"]
        var via: String?
        var flag: String?
        switch node.value {
        case .string:
            via = reader.choice("prompt", vias)
        case .object:
            guard let object = reader.object("prompt") else { return }
            defer { object.finish() }
            via = object.choice("via", vias)
            if !object.has("via") { object.report(nil, "missing \"via\": \"argument\", \"stdin\" or \"file\"") }
            flag = object.nonEmptyString("flag")
            if via == "stdin", flag != nil { object.report("flag", "a prompt on standard input has no flag") }
        default:
            reader.problems.report(
                path, "expected \"argument\", \"stdin\", \"file\" or {\"via\": \"argument\", \"flag\": \"--prompt\"}",
                at: node)
        }
        switch via {
        case "argument": tool.prompt = .argument(flag: flag)
        case "stdin": tool.prompt = .standardInput
        case "file": tool.prompt = .file(flag: flag)
        default: break
        }
    }

    /// `"usage": {"inputTokens": "usage.input_tokens", …}` or `{"patterns": ["…(?<totalTokens>\\d+)"]}`.
    private static func readUsage(_ reader: ConfigReader) -> TokenUsageRule? {
        defer { reader.finish() }
        let rule: TokenUsageRule
        if reader.has("patterns") {
            rule = .patterns(reader.strings("patterns") ?? [])
            for field in TokenUsageRule.fieldNames where reader.has(field) {
                reader.report(field, "give either \"patterns\" or JSON paths, not both")
            }
        } else {
            var paths: [String: String] = [:]
            for field in TokenUsageRule.fieldNames {
                if let path = reader.nonEmptyString(field) { paths[field] = path }
            }
            rule = .json(paths)
        }
        for problem in rule.problems() { reader.report(nil, problem) }
        return rule
    }

    /// One `tasks` entry.
    private static func readTask(_ reader: ConfigReader, name: String, context: AgentConfiguration.ParseContext)
        -> CodingTask?
    {
        let before = reader.problems.list.count
        let prompt = reader.nonEmptyString("prompt", required: "the prompt file, relative to this file")
        var parameters: [String: String] = [:]
        if let object = reader.object("parameters") {
            defer { object.finish() }
            for key in object.keys {
                guard let node = object.member(key) else { continue }
                switch node.value {
                case .string(let text): parameters[key] = text
                case .integer, .double, .bool: parameters[key] = ConfigReader.text(node)
                default: object.report(key, "expected a string, number or boolean, found \(node.kindDescription)")
                }
            }
        }
        let requiresCommit = reader.bool("requiresCommit") ?? false
        let outcome = reader.choice("noCommit", CodingTask.MissingCommitOutcome.allCases.map(\.rawValue)).flatMap(
            CodingTask.MissingCommitOutcome.init(rawValue:))
        if outcome != nil && !requiresCommit {
            reader.report("noCommit", "only a task with \"requiresCommit\": true has it")
        }
        let timeout = reader.duration("timeout", minimum: .seconds(1))
        let workingDirectory = reader.nonEmptyString("workingDirectory").map {
            RunnerConfiguration.resolve($0, against: context.directory, environment: context.environment)
        }
        let patterns = AgentConfiguration.readFailurePatterns(reader)
        let description = reader.string("description")
        guard let prompt, reader.problems.list.count == before else { return nil }
        let promptFile = URL(
            fileURLWithPath: RunnerConfiguration.resolve(
                prompt, against: context.directory, environment: context.environment
            )
            .path, isDirectory: false)
        if !FileManager.default.fileExists(atPath: promptFile.path) {
            reader.report("prompt", "the prompt file \(promptFile.path) does not exist; create it or fix the path")
            return nil
        }
        if requiresCommit {
            let directory = workingDirectory ?? context.directory
            if !GitRepository.isRepository(directory) {
                reader.report(
                    "requiresCommit",
                    "the task's working directory \(directory.path) is not a git repository, so new commits cannot be detected; run 'git init' there, set \"workingDirectory\" to a repository, or set \"requiresCommit\": false"
                )
                return nil
            }
        }
        return CodingTask(
            name: name, promptFile: promptFile, parameters: parameters, requiresCommit: requiresCommit,
            missingCommitOutcome: outcome ?? .noOp, timeout: timeout, workingDirectory: workingDirectory,
            failurePatterns: patterns, description: description)
    }

    /// One `taskSchedules` entry: `task` and `tool`, and any agent key (`schedule`, `retry`, `notifications`, …).
    private static func readSchedule(
        _ node: JSONNode, path: String, configuration: CodingConfiguration, written: Set<String>,
        context: AgentConfiguration.ParseContext, problems: ConfigReader.Problems
    ) -> AgentConfiguration? {
        guard case .object(let members) = node.value else {
            problems.report(path, "expected an object such as {\"task\": …, \"tool\": …, \"schedule\": …}", at: node)
            return nil
        }
        func text(_ key: String) -> String? {
            guard let member = members.first(where: { $0.key == key }) else {
                problems.report(path, "missing \"\(key)\": the \(key)'s name", at: node)
                return nil
            }
            guard case .string(let value) = member.node.value else {
                problems.report(ConfigReader.path(path, key: key), "expected a string", at: member.node)
                return nil
            }
            return value
        }
        let taskName = text("task")
        let toolName = text("tool")
        for key in ["name", "command"] {
            if let member = members.first(where: { $0.key == key }) {
                problems.report(
                    ConfigReader.path(path, key: key),
                    "a task schedule is named <task>.<tool> and runs its tool; remove \"\(key)\"", at: member.node)
            }
        }
        guard let taskName, let toolName else { return nil }
        let task = configuration.task(named: taskName)
        let tool = configuration.tool(named: toolName)
        if task == nil, !written.contains(taskName) {
            let known = configuration.tasks.map(\.name).joined(separator: ", ")
            problems.report(
                ConfigReader.path(path, key: "task"),
                "no task is named \"\(taskName)\"; known tasks: \(known.isEmpty ? "(none)" : known)", at: node)
        }
        if tool == nil, !written.contains(toolName) {
            problems.report(
                ConfigReader.path(path, key: "tool"),
                "no tool is named \"\(toolName)\"; known tools: \(configuration.tools.map(\.name).joined(separator: ", "))",
                at: node)
        }
        guard let task, let tool else { return nil }
        let name = agentName(task: taskName, tool: toolName)
        var synthesized = members.filter { !["task", "tool", "name", "command"].contains($0.key) }
        synthesized.append(
            JSONNode.Member(
                key: "name", keyLine: node.line, keyColumn: node.column,
                node: JSONNode(value: .string(name), line: node.line, column: node.column)))
        synthesized.append(
            JSONNode.Member(
                key: "command", keyLine: node.line, keyColumn: node.column,
                node: JSONNode(
                    value: .array([JSONNode(value: .string(tool.executable), line: node.line, column: node.column)]),
                    line: node.line, column: node.column)))
        guard
            var agent = AgentConfiguration.read(
                JSONNode(value: .object(synthesized), line: node.line, column: node.column), path: path,
                context: context, problems: problems),
            let base = configuration.agentConfiguration(named: name)
        else { return nil }
        agent.executable = base.executable
        agent.arguments = base.arguments
        agent.environment = base.environment + agent.environment
        agent.workingDirectory = agent.workingDirectory ?? base.workingDirectory
        agent.timeout = agent.timeout ?? task.timeout
        agent.failurePatterns += base.failurePatterns
        agent.owner.labels.merge(base.owner.labels) { written, _ in written }
        agent.codingTask = base.codingTask
        return agent
    }
}
