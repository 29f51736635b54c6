import AgentCore

/// How a stage's artifacts are judged before the candidate moves on.
public enum GateDefinition: Sendable {
    /// Passes when the stage run produced every required artifact (the stage already refuses a run without them).
    case artifactsPresent
    /// Runs an agent with parameters `candidate`, `pipeline`, `stage`, `artifactDigest` and `artifacts`
    /// (`[{name, uri}]`): a failed run fails the gate; a succeeded run passes it unless its summary starts with
    /// `inconclusive` (then the gate is inconclusive) or `failed`.
    case agent(AgentName)
    /// Runs an in-process check over the artifacts.
    case check(ArtifactCheck)

    /// The gate's name for people: `artifacts`, `agent <name>` or `check <name>`.
    public var label: String {
        switch self {
        case .artifactsPresent: "artifacts"
        case .agent(let name): "agent \(name)"
        case .check(let check): "check \(check.name)"
        }
    }
}
