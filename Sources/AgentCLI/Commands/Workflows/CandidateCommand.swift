import AgentCore
import AgentScheduling
import Foundation

/// `agentctl candidate submit|show|resume|promote ID …`: the transition guard of staged pipelines.
enum CandidateCommand: AgentCommand {
    static let name = "candidate"
    static let summary = "Submit, show, resume or promote a pipeline candidate"
    static let help = """
        USAGE: agentctl candidate submit ID --pipeline P [--json]
               agentctl candidate show ID [--json]
               agentctl candidate resume ID --as NAME [--comment TEXT] [--json]
               agentctl candidate promote ID --as NAME [--stage N] [--comment TEXT] [--json]

        submit   puts a candidate at the first stage of a configured pipeline (an existing id is left as it is).
        show     prints the candidate and its promotions.
        resume   ends a pause (repeated final failures, an inconclusive gate); NAME is recorded and the stage's
                 failure count starts again at zero.
        promote  the human override: moves the candidate past its current stage without a passed gate, recording
                 NAME. Refused while a stage run is active. With --stage N it promotes from stage N only (a
                 repeated command then promotes nothing twice).

        OPTIONS:
          --pipeline P      The pipeline (submit)
          --as NAME         Who resumes or promotes (required)
          --stage N         The stage to promote from (promote; default: the candidate's current stage)
          --comment TEXT    Why
          --json            The candidate as stored (show: with its promotions)
        \(CommandContext.configHelp)

        EXIT STATUS: 0 on success, 1 when the store refuses the transition or cannot be used, 2 for bad usage,
        an unknown candidate or pipeline.
        """

    static func run(_ arguments: [String], io: CommandIO) async -> Int32 {
        guard
            let parsed = parse(
                arguments, io: io, options: ["pipeline", "as", "comment", "stage", CommandContext.configOption],
                flags: ["json"])
        else { return helpRequested(arguments) ? ExitCode.success : ExitCode.usage }
        guard parsed.positionals.count == 2, ["submit", "show", "resume", "promote"].contains(parsed.positionals[0])
        else {
            io.printError("agentctl candidate: expected submit|show|resume|promote ID; see agentctl candidate --help")
            return ExitCode.usage
        }
        let (action, id) = (parsed.positionals[0], parsed.positionals[1])
        let person = parsed.value("as") ?? ""
        let stage = parsed.value("stage").map { Int($0) }
        if case .some(.none) = stage {
            io.printError("agentctl candidate \(action): --stage takes a stage number from 0")
            return ExitCode.usage
        }
        if action == "resume" || action == "promote", person.trimmingCharacters(in: .whitespaces).isEmpty {
            io.printError("agentctl candidate \(action): say who you are with --as NAME")
            return ExitCode.usage
        }
        guard let context = CommandContext.load(parsed, command: name, io: io, fileRequired: false),
            let store = await context.openPipelineStore(command: name, io: io)
        else { return ExitCode.failure }
        let pipelines = context.configuration.pipelines
        do {
            let candidate: Candidate
            switch action {
            case "submit":
                guard let pipeline = parsed.value("pipeline"), pipelines.contains(where: { $0.name == pipeline }) else {
                    let known = pipelines.map(\.name).sorted().joined(separator: ", ")
                    io.printError(
                        "agentctl candidate submit: name a configured pipeline with --pipeline (configured: \(known.isEmpty ? "none" : known))"
                    )
                    return ExitCode.usage
                }
                candidate = try await store.submitCandidate(Candidate(id: id, pipeline: pipeline)).candidate
            case "resume":
                candidate = try await store.resumeCandidate(id: id, by: person, comment: parsed.value("comment"))
            default:
                guard let found = try await store.candidate(id: id) else {
                    io.printError(
                        "agentctl candidate \(action): no candidate with id \(id); list them with agentctl candidates")
                    return ExitCode.usage
                }
                if action == "promote" {
                    guard let pipeline = pipelines.first(where: { $0.name == found.pipeline }) else {
                        io.printError(
                            "agentctl candidate promote: pipeline \(found.pipeline) is not in the configuration file")
                        return ExitCode.usage
                    }
                    candidate = try await store.promote(
                        pipeline.humanPromotion(
                            of: found, stage: stage.flatMap { $0 }, by: person, comment: parsed.value("comment"))
                    ).candidate
                } else {
                    candidate = found
                }
            }
            let promotions = action == "show" ? try await store.promotions(candidateID: id) : []
            if parsed.has("json") {
                io.print(try WorkflowFormatting.json(candidate))
                for promotion in promotions { io.print(try WorkflowFormatting.json(promotion)) }
            } else {
                io.print(
                    "\(candidate.id)  pipeline \(candidate.pipeline)  stage \(candidate.stage)  \(candidate.state)")
                for promotion in promotions {
                    let who = promotion.overriddenBy.map { " by \($0)" } ?? ""
                    io.print(
                        "  promoted from stage \(promotion.stage)\(who) at \(Timestamp.format(promotion.at))  \(promotion.artifactDigest)"
                    )
                }
            }
            return ExitCode.success
        } catch let error as StoreError where error.code == .candidateNotFound {
            io.printError("agentctl candidate \(action): \(error.message)")
            return ExitCode.usage
        } catch let error as StoreError {
            io.printError("agentctl candidate \(action): \(error.message)")
            return ExitCode.failure
        } catch {
            io.printError("agentctl candidate \(action): \(error)")
            return ExitCode.failure
        }
    }
}
