import AgentCore
import AgentScheduling
import Foundation

/// `agentctl pipeline dry-run NAME`: walks a synthetic candidate through a configured pipeline with no-op agents.
enum PipelineCommand: AgentCommand {
    static let name = "pipeline"
    static let summary = "Dry-run a staged pipeline: a synthetic candidate through every stage with no-op agents"
    static let help = """
        USAGE: agentctl pipeline dry-run NAME [--config PATH] [--json]

        Reads the configuration file, then walks a synthetic candidate through every stage of the pipeline NAME
        with its agents replaced by no-ops (each stage agent reports its required artifacts, each gate agent
        passes), on an in-memory store: proves the stages, artifacts and gates are wired. Nothing real runs and
        the store is not touched.

        OPTIONS:
        \(CommandContext.configHelp)
          --json            Print {"pipeline", "candidate", "completed", "stages": [{"stage", "agent", "gate",
                            "outcome", "detail"}]}

        EXIT STATUS: 0 when the candidate completed the pipeline, 1 when a stage stopped it, 2 when the
        configuration is invalid (each problem with its JSON path) or names no such pipeline.
        """

    static func run(_ arguments: [String], io: CommandIO) async -> Int32 {
        guard let parsed = parse(arguments, io: io, options: [CommandContext.configOption], flags: ["json"]) else {
            return helpRequested(arguments) ? ExitCode.success : ExitCode.usage
        }
        guard parsed.positionals.count == 2, parsed.positionals[0] == "dry-run" else {
            io.printError("agentctl pipeline: expected 'dry-run NAME'; see agentctl pipeline --help")
            return ExitCode.usage
        }
        let requested = parsed.positionals[1]
        let environment = ProcessInfo.processInfo.environment
        let current = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
        let shown = parsed.value(CommandContext.configOption) ?? RunnerConfiguration.defaultFileName
        let file = URL(
            fileURLWithPath: RunnerConfiguration.resolve(shown, against: current, environment: environment).path)
        let configuration: RunnerConfiguration
        do {
            configuration = try RunnerConfiguration.load(from: file, shownPath: shown, environment: environment)
        } catch {
            CommandContext.report(error, command: name, io: io)
            return ExitCode.usage
        }
        guard let pipeline = configuration.pipelines.first(where: { $0.name == requested }) else {
            let known = configuration.pipelines.map(\.name).sorted().joined(separator: ", ")
            io.printError(
                "\(shown): pipelines: no pipeline named \"\(requested)\"; configured pipelines: \(known.isEmpty ? "none" : known)"
            )
            return ExitCode.usage
        }
        do {
            let report = try await PipelineDryRun(pipeline: pipeline).run()
            if parsed.has("json") {
                io.print(try WorkflowFormatting.json(report))
            } else {
                var table = TextTable(["STAGE", "AGENT", "GATE", "OUTCOME", "DETAIL"])
                for stage in report.stages {
                    table.add([stage.stage, stage.agent, stage.gate, stage.outcome, stage.detail])
                }
                io.print(table.render())
                io.print(
                    report.completed
                        ? "dry run of \(pipeline.name): candidate completed every stage"
                        : "dry run of \(pipeline.name): the candidate stopped; see the table above")
            }
            return report.completed ? ExitCode.success : ExitCode.failure
        } catch {
            io.printError("agentctl pipeline: the dry run failed: \(error)")
            return ExitCode.failure
        }
    }
}
