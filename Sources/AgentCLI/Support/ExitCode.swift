/// The exit statuses of `agentctl`, documented in `--help` and the README.
enum ExitCode {
    /// Success.
    static let success: Int32 = 0
    /// The run failed, or a health check found failing or paused agents.
    static let failure: Int32 = 1
    /// Bad usage, configuration or input.
    static let usage: Int32 = 2
    /// The run was rate limited.
    static let rateLimited: Int32 = 10
    /// The run timed out.
    static let timedOut: Int32 = 11
}
