import AgentCore
import Foundation

/// A configured command agent: a ``SubprocessAgent`` whose command also learns, through environment variables,
/// which run it serves.
///
/// `SubprocessAgent` does not pass the request to the command, but a command run by `agentctl run --param …` or
/// `agentctl backfill` must see its parameters and business date. Each run therefore starts the command with:
///
/// | variable | value |
/// |---|---|
/// | `AGENTCTL_AGENT` | the agent's name |
/// | `AGENTCTL_RUN_ID` | the run's id |
/// | `AGENTCTL_ATTEMPT` | 1 for the first attempt, 2 for the first retry, … |
/// | `AGENTCTL_TRIGGER` | `scheduled`, `manual`, `backfill` or `retry` |
/// | `AGENTCTL_SCHEDULED_AT` | the nominal fire time of a scheduled run (ISO-8601 UTC) |
/// | `AGENTCTL_BUSINESS_DATE` | the business date (`YYYY-MM-DD`), when there is one |
/// | `AGENTCTL_PARAMETERS` | the parameters as canonical JSON (`{}` when none) |
/// | `AGENTCTL_PARAM_<NAME>` | each top-level parameter that is a string, number or boolean; the name upper-cased, other characters than letters and digits replaced by `_` |
/// | `AGENTCTL_LOG_DIR` | the run's log directory |
public struct ConfiguredAgent: SubprocessBackedAgent {
    /// The agent built from the configuration.
    public let base: SubprocessAgent
    /// For a coding-task pair: the task, the tool and its model (see ``CodingTaskBinding``).
    public var codingTask: CodingTaskBinding? = nil

    /// The agent's name.
    public var name: AgentName { base.name }
    /// When it runs.
    public var schedule: ScheduleConfiguration { base.schedule }
    /// Whether it runs on its schedule.
    public var isEnabled: Bool { base.isEnabled }
    /// Who owns it.
    public var owner: OwnerMetadata { base.owner }
    /// Its run policy.
    public var policy: RunPolicy { base.policy }
    /// The subprocess agent underneath (its runs' log directories are finalized by the runner).
    public var subprocess: SubprocessAgent { base }

    /// Runs the command with the request's variables in its environment (see the type's documentation).
    /// - Parameters:
    ///   - request: The run request.
    ///   - context: The run's context.
    /// - Returns: The command's result.
    /// - Throws: What the subprocess agent throws (for example when the program cannot start).
    public func run(_ request: AgentRunRequest, context: AgentRunContext) async throws -> AgentRunResult {
        var configuration = base.configuration
        for (name, value) in Self.variables(for: request, runID: context.runID, attempt: context.attempt) {
            configuration.environment.set(name, to: value)
        }
        configuration.environment.set(
            "AGENTCTL_LOG_DIR", to: base.logDirectory(for: context.runID).url.path)
        if let codingTask {
            return try await codingTask.run(request, context: context, configuration: configuration, base: base)
        }
        let agent = try SubprocessAgent(
            name: base.name, configuration: configuration, parentEnvironment: base.parentEnvironment,
            schedule: base.schedule, policy: base.basePolicy, owner: base.owner, isEnabled: base.isEnabled)
        return try await agent.run(request, context: context)
    }

    /// The variables that describe a run (all but `AGENTCTL_LOG_DIR`).
    public static func variables(for request: AgentRunRequest, runID: RunID, attempt: Int) -> [(String, String)] {
        var variables: [(String, String)] = [
            ("AGENTCTL_AGENT", request.agentName.rawValue), ("AGENTCTL_RUN_ID", runID.rawValue),
            ("AGENTCTL_ATTEMPT", String(attempt)), ("AGENTCTL_TRIGGER", request.trigger.kind),
            ("AGENTCTL_PARAMETERS", request.parameters.canonicalText),
        ]
        if let fire = request.trigger.nominalFireTime {
            variables.append(("AGENTCTL_SCHEDULED_AT", Timestamp.format(fire)))
        }
        if let date = request.businessDate { variables.append(("AGENTCTL_BUSINESS_DATE", date.description)) }
        for (key, value) in (request.parameters.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            let text: String
            switch value {
            case .string(let string): text = string
            case .integer(let integer): text = String(integer)
            case .double(let double): text = String(double)
            case .bool(let bool): text = String(bool)
            default: continue
            }
            let name = String(
                key.uppercased().unicodeScalars.map {
                    $0.isASCII && $0.properties.isAlphabetic || ("0"..."9").contains($0) ? Character($0) : "_"
                })
            variables.append(("AGENTCTL_PARAM_" + name, text))
        }
        return variables
    }
}
