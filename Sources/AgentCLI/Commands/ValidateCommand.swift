import AgentCore
import AgentScheduling
import Foundation

/// `agentctl validate`: checks the configuration file and reports every problem with its JSON path.
enum ValidateCommand: AgentCommand {
    static let name = "validate"
    static let summary = "Check the configuration file and report every problem with its JSON path"
    static let help = """
        USAGE: agentctl validate [--config PATH] [--json]

        Reads the configuration file and reports every problem at once, one per line, with the file, line,
        column and JSON path of the value:

          agentctl.json:14:19: agents[2].schedule: minute: 60 is out of range 0-59
          agentctl.json:20:7: agents[3].timout: unknown key "timout"; did you mean "timeout"? …

        Unknown keys, invalid agent names, duplicate names, bad cron expressions and time zones, bad durations
        and sizes, invalid regular expressions and unset {"fromEnv": …} variables are all reported. When the file
        is valid, prints each agent with its schedule in words and its next fire time, then each plan with its
        schedule and its tasks in the order they can run.

        OPTIONS:
        \(CommandContext.configHelp)
          --json            Print {"valid": …, "problems": [{"path", "message", "line", "column"}], "agents": […]}

        EXIT STATUS: 0 when the file is valid, 2 when it has problems (listed on stderr, or in the JSON).
        """

    static func run(_ arguments: [String], io: CommandIO) async -> Int32 {
        guard let parsed = parse(arguments, io: io, options: [CommandContext.configOption], flags: ["json"]) else {
            return helpRequested(arguments) ? ExitCode.success : ExitCode.usage
        }
        guard parsed.positionals.isEmpty else {
            io.printError(
                "agentctl validate: unexpected argument '\(parsed.positionals[0])'; name the file with --config")
            return ExitCode.usage
        }
        let environment = ProcessInfo.processInfo.environment
        let json = parsed.has("json")
        let current = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
        let shown = parsed.value(CommandContext.configOption) ?? RunnerConfiguration.defaultFileName
        let file = URL(
            fileURLWithPath: RunnerConfiguration.resolve(shown, against: current, environment: environment).path)
        var problems: [ConfigProblem] = []
        var configuration: RunnerConfiguration?
        do {
            configuration = try RunnerConfiguration.load(from: file, shownPath: shown, environment: environment)
            if let configuration {
                for (index, agent) in configuration.agents.enumerated() {
                    var isDirectory: ObjCBool = false
                    if let directory = agent.workingDirectory,
                        !FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory)
                            || !isDirectory.boolValue
                    {
                        problems.append(
                            ConfigProblem(
                                path: "agents[\(index)].workingDirectory",
                                message: "\(directory) does not exist or is not a directory; create it or fix the path")
                        )
                    }
                    do {
                        _ = try AgentFactory.make(
                            agent, configuration: configuration, environment: environment, path: "agents[\(index)]")
                    } catch {
                        problems += error.problems
                    }
                }
                if case .failure(let error) = configuration.webhooks(environment: environment) {
                    problems += error.problems
                }
            }
        } catch {
            problems = error.problems
        }
        if json {
            return printJSON(configuration: problems.isEmpty ? configuration : nil, problems: problems, io: io)
        }
        guard problems.isEmpty, let configuration else {
            CommandContext.report(ConfigError(file: shown, problems: problems), command: name, io: io)
            return ExitCode.usage
        }
        let count = configuration.agents.count
        io.print("\(shown): valid, \(count) agent\(count == 1 ? "" : "s")")
        io.print("  store: \(configuration.storeDirectory.path)")
        io.print("  logs:  \(configuration.logsDirectory.path)")
        io.print(
            "  at most \(configuration.maximumConcurrentRuns) runs at once; shutdown grace "
                + DurationText.format(configuration.shutdownGracePeriod) + "; retention: \(configuration.retention)")
        if !configuration.agents.isEmpty {
            io.print("")
            var table = TextTable(["AGENT", "SCHEDULE", "NEXT FIRE", "COMMAND"])
            for agent in configuration.agents {
                let (words, next) = describe(agent.schedule)
                table.add([
                    agent.name.rawValue + (agent.isEnabled ? "" : " (disabled)"), words,
                    agent.isEnabled ? next.map(Timestamp.format) ?? "-" : "-", agent.commandLine,
                ])
            }
            io.print(table.render())
        }
        if !configuration.plans.isEmpty {
            io.print("")
            var table = TextTable(["PLAN", "SCHEDULE", "NEXT FIRE", "TASKS (in order)"])
            for plan in configuration.plans {
                let (words, next) = describe(plan.schedule)
                table.add([
                    plan.name, words, next.map(Timestamp.format) ?? "-", plan.topologicalOrder.joined(separator: ", "),
                ])
            }
            io.print(table.render())
        }
        return ExitCode.success
    }

    /// The schedule in words and its next fire after now.
    static func describe(_ schedule: ScheduleConfiguration, after date: Date = Date()) -> (String, Date?) {
        guard let validation = try? AgentScheduler.validate(schedule, from: date, count: 1) else {
            return (schedule.description, nil)
        }
        return (validation.description, validation.upcoming.first)
    }

    private static func printJSON(
        configuration: RunnerConfiguration?, problems: [ConfigProblem], io: CommandIO
    ) -> Int32 {
        var object: [String: JSONValue] = [
            "valid": .bool(problems.isEmpty),
            "problems": .array(
                problems.map { problem in
                    var fields: [String: JSONValue] = [
                        "path": .string(problem.path), "message": .string(problem.message),
                    ]
                    if let line = problem.line { fields["line"] = .integer(Int64(line)) }
                    if let column = problem.column { fields["column"] = .integer(Int64(column)) }
                    return .object(fields)
                }),
        ]
        if let configuration {
            object["store"] = .string(configuration.storeDirectory.path)
            object["logs"] = .string(configuration.logsDirectory.path)
            object["agents"] = .array(
                configuration.agents.map { agent in
                    let (words, next) = describe(agent.schedule)
                    var fields: [String: JSONValue] = [
                        "name": .string(agent.name.rawValue), "schedule": .string(words),
                        "enabled": .bool(agent.isEnabled),
                        "command": .array(([agent.executable] + agent.arguments).map(JSONValue.string)),
                    ]
                    if agent.isEnabled, let next { fields["nextFireAt"] = .string(Timestamp.format(next)) }
                    return .object(fields)
                })
            object["plans"] = .array(
                configuration.plans.map { plan in
                    let (words, next) = describe(plan.schedule)
                    var fields: [String: JSONValue] = [
                        "name": .string(plan.name), "schedule": .string(words),
                        "tasks": .array(plan.topologicalOrder.map(JSONValue.string)),
                    ]
                    if let next { fields["nextFireAt"] = .string(Timestamp.format(next)) }
                    return .object(fields)
                })
        }
        io.print(JSONValue.object(object).canonicalText)
        return problems.isEmpty ? ExitCode.success : ExitCode.usage
    }
}
