import AgentCore
import Foundation

extension RunnerConfiguration {
    /// Reads and validates a configuration file.
    /// - Parameters:
    ///   - file: The file.
    ///   - shownPath: The path as the user gave it, for messages.
    ///   - environment: The process environment (for `AGENTCTL_HOME`).
    /// - Returns: The validated configuration.
    /// - Throws: ``ConfigError`` with every problem found, or with one problem when the file cannot be read.
    public static func load(
        from file: URL, shownPath: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigError)
        -> RunnerConfiguration
    {
        let shownPath = shownPath ?? file.path
        let data: Data
        do {
            data = try Data(contentsOf: file)
        } catch {
            let reason =
                FileManager.default.fileExists(atPath: file.path)
                ? "cannot be read (\(error.localizedDescription))"
                : "does not exist; create it (see Docs/CLI.md or run 'agentctl demo' for a sample) or pass --config PATH"
            throw ConfigError(file: shownPath, problems: [ConfigProblem(path: "", message: "the file \(reason)")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(
                file: shownPath, problems: [ConfigProblem(path: "", message: "the file is not UTF-8 text")])
        }
        return try parse(text, file: file, shownPath: shownPath, environment: environment)
    }

    /// Validates configuration text.
    /// - Parameters:
    ///   - text: The JSON text.
    ///   - file: Where it lives (relative paths in it are resolved against its directory).
    ///   - shownPath: The path as the user gave it, for messages.
    ///   - environment: The process environment (for `AGENTCTL_HOME`).
    /// - Returns: The validated configuration.
    /// - Throws: ``ConfigError`` with every problem found.
    public static func parse(
        _ text: String, file: URL, shownPath: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigError)
        -> RunnerConfiguration
    {
        let shownPath = shownPath ?? file.path
        let root: JSONNode
        do {
            root = try JSONNodeParser.parse(text)
        } catch {
            throw ConfigError(
                file: shownPath,
                problems: [ConfigProblem(path: "", message: error.message, line: error.line, column: error.column)])
        }
        let problems = ConfigReader.Problems()
        let configuration = read(root, file: file.standardizedFileURL, environment: environment, problems: problems)
        guard problems.list.isEmpty, let configuration else {
            throw ConfigError(file: shownPath, problems: problems.sorted)
        }
        return configuration
    }

    private static func read(
        _ root: JSONNode, file: URL, environment: [String: String], problems: ConfigReader.Problems
    ) -> RunnerConfiguration? {
        guard let reader = ConfigReader(root, path: "", problems: problems) else { return nil }
        defer { reader.finish() }
        let directory = file.deletingLastPathComponent()
        if let version = reader.integer("version", in: 1...Int.max), version != currentVersion {
            reader.report(
                "version",
                "version \(version) is not supported; this agentctl reads version \(currentVersion): upgrade agentctl")
        }
        let storePath = reader.nonEmptyString("store")
        let store = storeDirectory(explicitPath: storePath, environment: environment, currentDirectory: directory)
        let logs =
            reader.nonEmptyString("logs").map { resolve($0, against: directory, environment: environment) }
            ?? store.appendingPathComponent("logs", isDirectory: true)
        let concurrency = reader.integer("maxConcurrentRuns", in: 1...1000) ?? 4
        let grace = reader.duration("shutdownGracePeriod") ?? .seconds(30)
        let misfireThreshold = reader.duration("misfireThreshold", minimum: .seconds(1)) ?? .seconds(60)
        let overdueGracePeriod = reader.duration("overdueGracePeriod", minimum: .seconds(1))
        var zone = "UTC"
        if let name = reader.nonEmptyString("timeZone") {
            if TimeZone(identifier: name) == nil {
                reader.report("timeZone", unknownZone(name))
            } else {
                zone = name
            }
        }
        let retention = reader.object("retention").map(readRetention) ?? .keepEverything
        let globalNotifications = readNotifications(reader, agent: nil)
        let server = reader.object("server").map(ServerConfiguration.read)
        var agents: [AgentConfiguration] = []
        var firstPath: [String: String] = [:]
        let context = AgentConfiguration.ParseContext(
            directory: directory, defaultTimeZone: zone, environment: environment)
        if let elements = reader.array("agents") {
            for (path, node) in elements {
                // Duplicates are found by the written name, so that they are reported even when an agent has
                // other problems.
                if case .object(let members) = node.value,
                    let nameNode = members.first(where: { $0.key == "name" })?.node,
                    case .string(let name) = nameNode.value
                {
                    if let earlier = firstPath[name] {
                        problems.report(
                            path + ".name", "\"\(name)\" is already the name of \(earlier); names must be unique",
                            at: nameNode)
                    } else {
                        firstPath[name] = path
                    }
                }
                if let agent = AgentConfiguration.read(node, path: path, context: context, problems: problems) {
                    agents.append(agent)
                }
            }
        } else if !reader.has("agents") {
            reader.report(nil, "missing \"agents\": a list of agents, for example [{\"name\": …, \"command\": […]}]")
        }
        let coding = CodingConfiguration.read(reader, context: context)
        for (path, agent) in coding.agents {
            if let earlier = firstPath[agent.name.rawValue] {
                problems.report(
                    path, "\"\(agent.name)\" is already the name of \(earlier); names must be unique", at: nil)
            } else {
                firstPath[agent.name.rawValue] = path
                agents.append(agent)
            }
        }
        for webhook in globalNotifications {
            for name in webhook.agents ?? [] where firstPath[name.rawValue] == nil {
                problems.report(webhook.path + ".agents", "no agent is named \"\(name)\"", at: nil)
            }
        }
        var configuration = RunnerConfiguration(
            file: file, storeDirectory: store, logsDirectory: logs, maximumConcurrentRuns: concurrency,
            shutdownGracePeriod: grace, timeZone: zone, retention: retention, agents: agents,
            notifications: globalNotifications + agents.flatMap(\.notifications))
        configuration.misfireThreshold = misfireThreshold
        configuration.overdueGracePeriod = overdueGracePeriod
        let plans = readPlans(reader, agents: Set(agents.map(\.name)), context: context)
        configuration.plans = plans.plans
        configuration.agents += plans.inlineAgents
        configuration.notifications += plans.inlineAgents.flatMap(\.notifications)
        configuration.approvalPolicies = readApprovals(reader, agents: Set(agents.map(\.name)))
        configuration.pipelines = readPipelines(reader, agents: Set(agents.map(\.name)))
        configuration.coding = coding.configuration
        configuration.server = server
        return configuration
    }

    private static func readRetention(_ reader: ConfigReader) -> RunRetention {
        defer { reader.finish() }
        let age = reader.duration("maxAge", minimum: .seconds(1))
        let count = reader.integer("maxRunsPerAgent", in: 1...Int.max)
        return RunRetention(maximumAge: age, maximumRunsPerAgent: count)
    }

    /// The `notifications` array of the document or of an agent.
    package static func readNotifications(_ reader: ConfigReader, agent: AgentName?) -> [NotificationConfiguration] {
        guard let elements = reader.array("notifications") else { return [] }
        return elements.compactMap {
            NotificationConfiguration.read($0.node, path: $0.path, agent: agent, problems: reader.problems)
        }
    }

    /// A path from the file, resolved: `~/` against `$HOME`, relative against the file's directory.
    package static func resolve(_ path: String, against directory: URL, environment: [String: String]) -> URL {
        var expanded = path
        if path == "~" || path.hasPrefix("~/"), let home = environment["HOME"], !home.isEmpty {
            expanded = home + path.dropFirst()
        }
        let url =
            expanded.hasPrefix("/")
            ? URL(fileURLWithPath: expanded, isDirectory: true)
            : directory.appendingPathComponent(expanded, isDirectory: true)
        return url.standardizedFileURL
    }

    /// The message for a time zone the system does not know.
    package static func unknownZone(_ name: String) -> String {
        "unknown time zone \"\(name)\"; use an IANA name such as \"Europe/Berlin\", \"America/New_York\" or \"UTC\""
    }
}
