import Foundation

@testable import AgentCLI

/// Finds and launches the `agentctl` executable that `swift build` / `swift test` put next to the test bundle
/// (`AGENTCTL_PATH` overrides the search).
///
/// Nothing here blocks Swift's cooperative thread pool: exits are collected by `Process`'s termination handler
/// and output is read on dedicated threads (see ``AgentctlProcess``).
enum AgentctlBinary {
    struct NotFound: Error, CustomStringConvertible {
        var searched: [String]
        var description: String { "agentctl was not found; build it first (swift build). Looked in: \(searched)" }
    }

    /// The outcome of a finished `agentctl`.
    struct Result: Sendable {
        var status: Int32
        var out: String
        var err: String
        /// Standard output's lines.
        var lines: [String] { out.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }
    }

    /// Whether the router knows `next` (the binary is built from the same sources).
    static let hasNextCommand = CommandRouter.commands.contains { $0.name == NextCommand.name }

    static func locate() throws -> URL {
        if let path = ProcessInfo.processInfo.environment["AGENTCTL_PATH"] { return URL(fileURLWithPath: path) }
        var directories: [URL] = []
        if let executable = Bundle.main.executableURL { directories.append(executable.deletingLastPathComponent()) }
        directories.append(Bundle.main.bundleURL)
        directories.append(Bundle.main.bundleURL.deletingLastPathComponent())
        directories.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            directories.append(bundle.bundleURL.deletingLastPathComponent())
        }
        for directory in directories {
            let candidate = directory.appendingPathComponent("agentctl")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw NotFound(searched: directories.map(\.path))
    }

    /// The environment the tests give `agentctl`: this process's, without the variables that would redirect its
    /// store or change its timeouts.
    static func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "AGENTCTL_HOME")
        environment.removeValue(forKey: "AGENTCTL_TIMEOUT_SECONDS")
        environment.merge(extra) { _, new in new }
        return environment
    }

    /// Runs `agentctl` to completion.
    /// - Parameters:
    ///   - arguments: The command line after `agentctl`.
    ///   - directory: The working directory (default: this process's).
    ///   - environment: Extra variables.
    ///   - timeout: How long it may take before the test fails (it is then killed).
    static func run(
        _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:],
        timeout: Duration = .seconds(60)
    ) async throws -> Result {
        let process = try AgentctlProcess(arguments, in: directory, environment: environment)
        return try await process.waitForExit(timeout: timeout)
    }
}
