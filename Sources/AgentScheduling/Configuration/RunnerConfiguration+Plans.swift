import AgentCore
import Foundation

extension RunnerConfiguration {
    /// The `plans` array: each plan a name, a schedule like an agent's (`schedule`, `timeZone`), `failFast`, and
    /// `tasks` with `id`, `agent` (or `run`, an inline command), `parameters`, `dependsOn` and `rule`. Unknown tasks,
    /// unknown agents and cycles are reported with their JSON path.
    ///
    /// A task's `run` is an agent entry without `name` and `schedule` (`{"command": [...], "timeout": "5m", …}`):
    /// it becomes a manual-only agent named `<plan>.<task>`, returned in `inlineAgents` so that every runner knows it.
    package static func readPlans(
        _ reader: ConfigReader, agents: Set<AgentName>, context: AgentConfiguration.ParseContext
    ) -> (plans: [PlanDefinition], inlineAgents: [AgentConfiguration]) {
        guard let elements = reader.array("plans") else { return ([], []) }
        let defaultTimeZone = context.defaultTimeZone
        var plans: [PlanDefinition] = []
        var inlineAgents: [AgentConfiguration] = []
        var inlineNames: Set<AgentName> = []
        var names: [String: String] = [:]
        for (path, node) in elements {
            guard let plan = ConfigReader(node, path: path, problems: reader.problems) else { continue }
            defer { plan.finish() }
            let before = reader.problems.list.count
            let name = plan.nonEmptyString("name", required: "the plan's name, for example \"nightly\"")
            if let name {
                if let earlier = names[name] {
                    plan.report("name", "\"\(name)\" is already the name of \(earlier); plan names must be unique")
                } else {
                    names[name] = path
                }
            }
            let schedule = AgentConfiguration.readSchedule(plan, defaultTimeZone: defaultTimeZone)
            let failFast = plan.bool("failFast") ?? false
            var tasks: [(task: PlanTaskDefinition, path: String)] = []
            if let taskElements = plan.array("tasks") {
                for (taskPath, taskNode) in taskElements {
                    let inline = InlineTaskContext(
                        plan: name, parse: context, agents: agents.union(inlineNames))
                    if let (task, agent) = readTask(
                        taskNode, path: taskPath, agents: agents, inline: inline, problems: reader.problems)
                    {
                        tasks.append((task, taskPath))
                        if let agent {
                            inlineAgents.append(agent)
                            inlineNames.insert(agent.name)
                        }
                    }
                }
                if taskElements.isEmpty { plan.report("tasks", "a plan needs at least one task") }
            } else if !plan.has("tasks") {
                plan.report(nil, "missing \"tasks\": a list of tasks, for example [{\"id\": \"lint\", \"agent\": …}]")
            }
            guard let name, let schedule, reader.problems.list.count == before else { continue }
            do {
                plans.append(
                    try PlanDefinition(name: name, schedule: schedule, tasks: tasks.map(\.task), failFast: failFast))
            } catch {
                // Point at the task the error is about, when it names one.
                let culprit = tasks.first { error.message.contains("task \"\($0.task.id)\"") }
                let at = error.code == .cycle ? plan.path("tasks") : culprit.map { $0.path + ".dependsOn" } ?? path
                reader.problems.report(at, error.message, at: nil)
            }
        }
        return (plans, inlineAgents)
    }

    /// What a task's inline command needs: its plan's name (for the agent's name), the file's parse context, and
    /// the names already taken.
    private struct InlineTaskContext {
        var plan: String?
        var parse: AgentConfiguration.ParseContext
        var agents: Set<AgentName>
    }

    private static func readTask(
        _ node: JSONNode, path: String, agents: Set<AgentName>, inline: InlineTaskContext,
        problems: ConfigReader.Problems
    ) -> (PlanTaskDefinition, AgentConfiguration?)? {
        guard let reader = ConfigReader(node, path: path, problems: problems) else { return nil }
        defer { reader.finish() }
        let before = problems.list.count
        let id = reader.nonEmptyString("id", required: "the task's id, for example \"seo.validate\"")
        var agent: AgentName?
        var inlineAgent: AgentConfiguration?
        if let runNode = reader.member("run") {
            if reader.has("agent") {
                reader.report("run", "a task names an \"agent\" or carries its own \"run\", not both; remove one")
            } else if let id, let plan = inline.plan {
                do {
                    let name = try AgentName("\(plan).\(id)")
                    if inline.agents.contains(name) {
                        reader.report(
                            "id", "the inline task's agent name \"\(name)\" is already an agent's name; rename the task"
                        )
                    } else {
                        inlineAgent = AgentConfiguration.read(
                            runNode, path: reader.path("run"), context: inline.parse, problems: problems,
                            impliedName: name)
                        agent = inlineAgent?.name
                    }
                } catch {
                    reader.report(
                        "id",
                        "\"\(plan).\(id)\" (plan and task) is not a valid agent name for the inline command: "
                            + "\(error.reason)")
                }
            }
        } else if let text = reader.nonEmptyString(
            "agent", required: "the agent that runs the task, or \"run\": {\"command\": [...]} for an inline command")
        {
            if let name = try? AgentName(text), agents.contains(name) {
                agent = name
            } else {
                reader.report(
                    "agent",
                    "no agent is named \"\(text)\"; configured agents: \(agents.map(\.rawValue).sorted().joined(separator: ", "))"
                )
            }
        }
        let parameters = reader.member("parameters").map(\.jsonValue) ?? .emptyObject
        let dependsOn = reader.strings("dependsOn") ?? []
        let rule = reader.choice("rule", PlanTriggerRule.allCases.map(\.rawValue)).flatMap(
            PlanTriggerRule.init(rawValue:))
        guard let id, let agent, problems.list.count == before else { return nil }
        return (
            PlanTaskDefinition(
                id: id, agent: agent, parameters: parameters, dependsOn: dependsOn, rule: rule ?? .allSucceeded),
            inlineAgent
        )
    }

    /// The `approvals` object: per agent name, `timeout` (default 72h), `approvers` and `preventSelfApproval`.
    package static func readApprovals(_ reader: ConfigReader, agents: Set<AgentName>) -> [AgentName: ApprovalPolicy] {
        guard let object = reader.object("approvals") else { return [:] }
        var policies: [AgentName: ApprovalPolicy] = [:]
        for key in object.keys {
            _ = object.member(key)
            guard let name = try? AgentName(key), agents.contains(name) else {
                object.report(key, "no agent is named \"\(key)\"; approval rules are keyed by agent name")
                continue
            }
            guard let entry = object.object(key) else { continue }
            policies[name] = readApprovalPolicy(entry)
        }
        object.finish()
        return policies
    }

    /// One approval rule object: `timeout` (default 72h), `approvers` and `preventSelfApproval`.
    package static func readApprovalPolicy(_ entry: ConfigReader) -> ApprovalPolicy {
        defer { entry.finish() }
        return ApprovalPolicy(
            timeout: entry.duration("timeout", minimum: .seconds(1)) ?? ApprovalRequest.defaultTimeout,
            approvers: entry.strings("approvers") ?? [],
            preventSelfApproval: entry.bool("preventSelfApproval") ?? false)
    }
}

extension AgentConfiguration {
    /// `awaitApprovalOn`: a regular expression (a pull-request URL) checked when it is read.
    package static func readApprovalPattern(_ reader: ConfigReader) -> String? {
        guard let pattern = reader.nonEmptyString("awaitApprovalOn") else { return nil }
        do {
            _ = try NSRegularExpression(pattern: pattern)
        } catch {
            reader.report(
                "awaitApprovalOn", "\"\(pattern)\" is not a valid regular expression: \(error.localizedDescription)")
            return nil
        }
        return pattern
    }
}
