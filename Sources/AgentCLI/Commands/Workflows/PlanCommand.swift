import AgentCore
import AgentScheduling
import Foundation

/// `agentctl plan run NAME [--date D]`, `agentctl plan show RUN-ID`, `agentctl plan rerun RUN-ID`.
enum PlanCommand: AgentCommand {
    static let name = "plan"
    static let summary = "Start a plan run, show one with its task table, or rerun one from its failures"
    static let help = """
        USAGE: agentctl plan run <plan> [--date YYYY-MM-DD] [--json]
               agentctl plan show <plan-run-id> [--json]
               agentctl plan rerun <plan-run-id> [--json]

        run     Creates the plan's run for a business date (default: today in the plan's time zone) in the store.
                A plan run's id is the plan name and the date (nightly-2025-01-15) and is unique: running it again
                returns the existing run. Every live 'agentctl serve' on the store sees it within a second; one of
                them hands each task to its scheduler.
        show    Prints the plan run's tasks with status, reason (why a task was skipped), start, duration and run.
        rerun   Reruns a settled plan run from its failures: succeeded tasks are kept; failed, rejected and
                timed-out tasks and the tasks skipped because of them run again (attempt + 1). Earlier runs stay
                in the store.

        OPTIONS:
          --date D          The business date for 'run' (YYYY-MM-DD)
          --json            The plan run as one JSON object
        \(CommandContext.configHelp)

        EXIT STATUS: 0 on success ('show': the run was found, whatever its status), 1 when the store cannot be
        read or written or a rerun is refused (the run is not settled or has no failure), 2 for bad usage, an
        unknown plan or an unknown plan run.
        """

    static func run(_ arguments: [String], io: CommandIO) async -> Int32 {
        if arguments.contains("--help") || arguments.contains("-h") {
            io.print(help)
            return ExitCode.success
        }
        let parsed: ParsedArguments
        do {
            parsed = try ParsedArguments(
                arguments, valueOptions: ["date", CommandContext.configOption], flagOptions: ["json"])
        } catch {
            io.printError("agentctl \(name): \(error.message)")
            return ExitCode.usage
        }
        guard parsed.positionals.count == 2, let verb = parsed.positionals.first, let target = parsed.positionals.last,
            ["run", "show", "rerun"].contains(verb)
        else {
            io.printError(
                "agentctl \(name): use 'agentctl plan run <plan>', 'agentctl plan show <plan-run-id>' or 'agentctl plan rerun <plan-run-id>'"
            )
            return ExitCode.usage
        }
        guard let context = CommandContext.load(parsed, command: name, io: io, fileRequired: verb == "run") else {
            return ExitCode.usage
        }
        guard let store = await context.openWorkflowStore(command: name, io: io) else { return ExitCode.failure }
        let control = PlanControl(store: store)
        let run: PlanRun
        switch verb {
        case "run":
            guard let plan = context.configuration.plans.first(where: { $0.name == target }) else {
                let known = context.configuration.plans.map(\.name).sorted().joined(separator: ", ")
                io.printError(
                    "agentctl \(name): no plan named \"\(target)\" (plans: \(known.isEmpty ? "none" : known))")
                return ExitCode.usage
            }
            let date: BusinessDate
            if let text = parsed.value("date") {
                do { date = try BusinessDate(text) } catch {
                    io.printError("agentctl \(name): --date \(error.description); use YYYY-MM-DD")
                    return ExitCode.usage
                }
            } else {
                date = plan.businessDate(at: SystemClock().now)
            }
            do {
                let result = try await control.start(plan, businessDate: date, requestedBy: requester)
                run = result.run
                if !parsed.has("json") {
                    io.print(
                        result.created
                            ? "Started plan run \(run.id); a live 'agentctl serve' on this store carries it out. Follow it with 'agentctl plan show \(run.id)'."
                            : "Plan run \(run.id) already exists (\(run.status)); it was not started again.")
                }
            } catch {
                io.printError("agentctl \(name): \(error)")
                return ExitCode.failure
            }
        case "rerun":
            do {
                run = try await control.rerun(target)
                if !parsed.has("json") { io.print("Rerunning plan run \(run.id) as attempt \(run.attempt).") }
            } catch let error as StoreError where error.code == .planRunNotFound {
                io.printError("agentctl \(name): \(error.message)")
                return ExitCode.usage
            } catch let error as PlanError {
                io.printError("agentctl \(name): \(error.message)")
                return ExitCode.failure
            } catch {
                io.printError("agentctl \(name): \(error)")
                return ExitCode.failure
            }
        default:
            do {
                guard let found = try await control.planRun(target) else {
                    io.printError("agentctl \(name): no plan run with id \(target); list them with 'agentctl plans'")
                    return ExitCode.usage
                }
                run = found
            } catch {
                io.printError("agentctl \(name): \(error)")
                return ExitCode.failure
            }
        }
        if parsed.has("json") {
            io.print((try? WorkflowFormatting.json(run)) ?? "{}")
        } else {
            io.print(WorkflowFormatting.table(run))
        }
        return ExitCode.success
    }

    /// Who is recorded as starting a plan run.
    static var requester: String {
        "\(ProcessInfo.processInfo.environment["USER"] ?? "agentctl")@\(ProcessInfo.processInfo.hostName)"
    }
}
