import AgentCore

extension RunEvent.Kind {
    /// The terminal record of a subprocess run could not be written to its log directory.
    public static let runLogFailed = RunEvent.Kind(rawValue: "runLogFailed")
}
