import AgentCore
import AgentScheduling
import Foundation

/// `agentctl plans`: the configured plans and their recent runs.
enum PlansCommand: AgentCommand {
    static let name = "plans"
    static let summary = "List the configured plans and their recent plan runs"
    static let help = """
        USAGE: agentctl plans [--limit N] [--json]

        Lists the plans of the configuration (tasks, dependencies, schedule) and their newest plan runs from the
        store, with their status.

        OPTIONS:
          --limit N         Plan runs per plan, 1-1000 (default 5)
          --json            One JSON object per plan: {"plan": …, "tasks": […], "runs": [plan runs]}
        \(CommandContext.configHelp)

        EXIT STATUS: 0 on success, 1 when the store cannot be read, 2 for bad usage or configuration.
        """

    static func run(_ arguments: [String], io: CommandIO) async -> Int32 {
        if arguments.contains("--help") || arguments.contains("-h") {
            io.print(help)
            return ExitCode.success
        }
        let parsed: ParsedArguments
        let limit: Int
        do {
            parsed = try ParsedArguments(
                arguments, valueOptions: ["limit", CommandContext.configOption], flagOptions: ["json"])
            limit = try parsed.integer("limit", default: 5, range: 1...1000)
        } catch {
            io.printError("agentctl \(name): \(error.message)")
            return ExitCode.usage
        }
        guard let context = CommandContext.load(parsed, command: name, io: io, fileRequired: true) else {
            return ExitCode.usage
        }
        guard let store = await context.openWorkflowStore(command: name, io: io) else { return ExitCode.failure }
        let plans = context.configuration.plans
        if plans.isEmpty, !parsed.has("json") {
            io.print(
                "No plans are configured; add \"plans\" to \(context.configuration.file.path) (see Docs/Plans.md).")
            return ExitCode.success
        }
        for plan in plans.sorted(by: { $0.name < $1.name }) {
            let runs: [PlanRun]
            do {
                runs = try await store.planRuns(plan: plan.name, statuses: nil, limit: limit)
            } catch {
                io.printError("agentctl \(name): \(error)")
                return ExitCode.failure
            }
            if parsed.has("json") {
                let tasks: [JSONValue] = plan.tasks.map { task in
                    .object([
                        "id": .string(task.id), "agent": .string(task.agent.rawValue),
                        "dependsOn": .array(task.dependsOn.map(JSONValue.string)), "rule": .string(task.rule.rawValue),
                    ])
                }
                let header = JSONValue.object([
                    "plan": .string(plan.name), "schedule": .string(plan.schedule.description),
                    "tasks": .array(tasks),
                ]).canonicalText
                let runsText = (try? WorkflowFormatting.json(runs)) ?? "[]"
                io.print("\(header.dropLast()),\"runs\":\(runsText)}")
            } else {
                io.print("\(plan.name)  (\(plan.schedule.description))")
                for task in plan.tasks {
                    let after = task.dependsOn.isEmpty ? "" : " after \(task.dependsOn.joined(separator: ", "))"
                    let rule = task.rule == .allSucceeded ? "" : " [\(task.rule)]"
                    io.print("  \(task.id): \(task.agent)\(after)\(rule)")
                }
                for run in runs { io.print("  \(WorkflowFormatting.line(run))") }
            }
        }
        return ExitCode.success
    }
}
