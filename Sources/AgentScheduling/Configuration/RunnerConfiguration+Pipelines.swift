import AgentCore
import Foundation

extension RunnerConfiguration {
    /// The `pipelines` array: each pipeline a `name` and `stages`, each stage a `name`, the `agent` that runs it,
    /// `requiredArtifacts` (names), an optional `gateAgent` (without one the gate passes when the artifacts are
    /// present) and `pauseAfterFailures` (default 3). Unknown agents, repeated names and bad values are reported
    /// with their JSON path (`$.pipelines[0].stages[2].agent`).
    package static func readPipelines(_ reader: ConfigReader, agents: Set<AgentName>) -> [PipelineDefinition] {
        guard let elements = reader.array("pipelines") else { return [] }
        var pipelines: [PipelineDefinition] = []
        var names: [String: String] = [:]
        for (path, node) in elements {
            guard let pipeline = ConfigReader(node, path: path, problems: reader.problems) else { continue }
            defer { pipeline.finish() }
            let before = reader.problems.list.count
            let name = pipeline.nonEmptyString("name", required: "the pipeline's name, for example \"quant\"")
            if let name {
                if let earlier = names[name] {
                    pipeline.report(
                        "name", "\"\(name)\" is already the name of \(earlier); pipeline names must be unique")
                } else {
                    names[name] = path
                }
            }
            var stages: [StageDefinition] = []
            var stageNames: Set<String> = []
            if let stageElements = pipeline.array("stages") {
                for (stagePath, stageNode) in stageElements {
                    guard let stage = readStage(stageNode, path: stagePath, agents: agents, problems: reader.problems)
                    else { continue }
                    if !stageNames.insert(stage.name).inserted {
                        reader.problems.report(
                            ConfigReader.path(stagePath, key: "name"),
                            "\"\(stage.name)\" names another stage of this pipeline too; stage names must be unique",
                            at: nil)
                    }
                    stages.append(stage)
                }
                if stageElements.isEmpty { pipeline.report("stages", "a pipeline needs at least one stage") }
            } else if !pipeline.has("stages") {
                pipeline.report(nil, "missing \"stages\": a list of stages, for example [{\"name\": \"research\", …}]")
            }
            guard let name, reader.problems.list.count == before else { continue }
            do {
                pipelines.append(try PipelineDefinition(name: name, stages: stages))
            } catch {
                reader.problems.report(path, error.message, at: nil)
            }
        }
        return pipelines
    }

    private static func readStage(
        _ node: JSONNode, path: String, agents: Set<AgentName>, problems: ConfigReader.Problems
    )
        -> StageDefinition?
    {
        guard let reader = ConfigReader(node, path: path, problems: problems) else { return nil }
        defer { reader.finish() }
        let before = problems.list.count
        let name = reader.nonEmptyString("name", required: "the stage's name, for example \"backtest\"")
        let agent = readAgent(reader, "agent", agents: agents, required: "the agent that runs the stage")
        let gate = reader.has("gateAgent") ? readAgent(reader, "gateAgent", agents: agents, required: nil) : nil
        let artifacts = reader.strings("requiredArtifacts") ?? []
        let pauseAfter = reader.has("pauseAfterFailures") ? reader.integer("pauseAfterFailures", in: 1...1_000) : 3
        guard let name, let agent, let pauseAfter, problems.list.count == before else { return nil }
        return StageDefinition(
            name: name, agent: agent, requiredArtifacts: artifacts, gate: gate.map { .agent($0) } ?? .artifactsPresent,
            pauseAfterFailures: pauseAfter)
    }

    private static func readAgent(_ reader: ConfigReader, _ key: String, agents: Set<AgentName>, required: String?)
        -> AgentName?
    {
        guard let text = reader.nonEmptyString(key, required: required) else { return nil }
        if let name = try? AgentName(text), agents.contains(name) { return name }
        reader.report(
            key,
            "no agent is named \"\(text)\"; configured agents: \(agents.map(\.rawValue).sorted().joined(separator: ", "))"
        )
        return nil
    }
}
