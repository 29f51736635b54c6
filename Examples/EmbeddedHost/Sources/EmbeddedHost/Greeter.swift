import AgentCore
import AgentScheduling
import Foundation

/// The subprocess agent: runs a shell command, whose output goes to a per-run log directory.
enum Greeter {
    /// Makes the agent.
    /// - Parameters:
    ///   - logRoot: Where the per-run log directories are created.
    ///   - interval: How often it fires.
    /// - Throws: ``SubprocessError`` when the configuration is invalid.
    static func agent(logRoot: URL, interval: Duration) throws -> SubprocessAgent {
        var configuration = SubprocessConfiguration(
            executable: "/bin/sh",
            arguments: ["-c", #"echo "hello from $(uname -n)"; echo "greeting by $GREETER_NAME""#],
            timeout: .seconds(20),
            logRoot: logRoot)
        configuration.environment.set("GREETER_NAME", to: "EmbeddedHost")
        return try SubprocessAgent(
            name: "greeter", configuration: configuration,
            parentEnvironment: ProcessInfo.processInfo.environment,
            schedule: .interval(interval),
            policy: RunPolicy(retry: RetryPolicy(maximumRetries: 1, initialDelay: .seconds(5))))
    }
}
