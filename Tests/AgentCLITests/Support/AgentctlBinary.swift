import Foundation
import ProcessTestSupport

@testable import AgentCLI

/// The `agentctl` executable that `swift build` / `swift test` put next to the test bundle (`AGENTCTL_PATH`
/// overrides the search), launched through the shared harness (``TestProcess``): every wait has a deadline,
/// and a child that misses one is killed with its process group.
enum AgentctlBinary {
    /// Whether the router knows `next` (the binary is built from the same sources).
    static let hasNextCommand = CommandRouter.commands.contains { $0.name == NextCommand.name }

    /// The built `agentctl`.
    static func locate() throws -> URL { try TestExecutable.locate("agentctl", overrideVariable: "AGENTCTL_PATH") }

    /// The environment the tests give `agentctl`: this process's, without the variables that would redirect its
    /// store or change its timeouts.
    static func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "AGENTCTL_HOME")
        environment.removeValue(forKey: "AGENTCTL_TIMEOUT_SECONDS")
        environment.merge(extra) { _, new in new }
        return environment
    }

    /// Starts `agentctl` (for example `serve`); the caller kills it when the test ends (`defer { $0.kill() }`).
    /// - Parameters:
    ///   - arguments: The command line after `agentctl`.
    ///   - directory: The working directory (default: this process's).
    ///   - environment: Extra variables.
    static func start(
        _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]
    ) throws -> TestProcess {
        try TestProcess(
            executable: locate(), arguments: arguments, environment: Self.environment(environment),
            workingDirectory: directory)
    }

    /// Runs `agentctl` to completion.
    /// - Parameters:
    ///   - arguments: The command line after `agentctl`.
    ///   - directory: The working directory (default: this process's).
    ///   - environment: Extra variables.
    ///   - timeout: How long it may take before the test fails (it is then killed with its process group).
    static func run(
        _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:],
        timeout: Duration = .seconds(60)
    ) async throws -> TestProcess.Result {
        let process = try start(arguments, in: directory, environment: environment)
        defer { process.kill() }
        return try await process.waitForExit(timeout: timeout)
    }
}
