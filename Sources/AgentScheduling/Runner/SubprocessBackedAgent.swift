import AgentCore

/// An agent that runs a ``SubprocessAgent`` underneath (a wrapper that adds configuration, for example), so that
/// a runner writes the final `metadata.json` and `summary.txt` of its runs.
public protocol SubprocessBackedAgent: AgentDefinition {
    /// The subprocess agent that does the work.
    var subprocess: SubprocessAgent { get }
}

extension SubprocessAgent: SubprocessBackedAgent {
    /// The agent itself.
    public var subprocess: SubprocessAgent { self }
}
