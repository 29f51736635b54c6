import AgentCore
import AgentScheduling
import AgentStorage
import Foundation

/// What a command needs from `--config`: the validated configuration and where the store is.
///
/// `--config PATH` names the file; without it `./agentctl.json` is used. Commands that only read records
/// (`runs`, `show`, `logs`) also work without any file: they then use the store of `AGENTCTL_HOME` (or
/// `.agentctl/` in the working directory).
struct CommandContext: Sendable {
    /// The option every command that reads the configuration accepts.
    static let configOption = "config"
    /// The `--help` line for it.
    static let configHelp =
        "  --config PATH     The configuration file (default: ./agentctl.json); see Docs/CLI.md for its format"

    var configuration: RunnerConfiguration
    /// The configuration path as the user gave it, for messages.
    var shownPath: String
    /// Whether a configuration file was read.
    var hasFile: Bool
    /// The process environment.
    var environment: [String: String]

    /// Loads the configuration named by `--config` (or the default file), printing every problem on failure.
    /// - Parameters:
    ///   - parsed: The command's arguments.
    ///   - command: The command's name, for messages.
    ///   - io: Where problems are printed.
    ///   - fileRequired: Whether the command needs agents (otherwise a missing default file is fine).
    /// - Returns: The context, or `nil` after printing why not (exit status 2).
    static func load(
        _ parsed: ParsedArguments, command: String, io: CommandIO, fileRequired: Bool,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> CommandContext? {
        load(
            configPath: parsed.value(configOption), command: command, io: io, fileRequired: fileRequired,
            environment: environment)
    }

    /// Loads the configuration at `configPath` (or the default file); see ``load(_:command:io:fileRequired:environment:)``.
    static func load(
        configPath explicit: String?, command: String, io: CommandIO, fileRequired: Bool,
        environment: [String: String]
    ) -> CommandContext? {
        let current = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
        let shown = explicit ?? RunnerConfiguration.defaultFileName
        let file = RunnerConfiguration.resolve(shown, against: current, environment: environment)
        let url = URL(fileURLWithPath: file.path, isDirectory: false)
        if explicit == nil && !fileRequired && !FileManager.default.fileExists(atPath: url.path) {
            return CommandContext(
                configuration: .withoutFile(environment: environment, currentDirectory: current), shownPath: shown,
                hasFile: false, environment: environment)
        }
        do {
            let configuration = try RunnerConfiguration.load(from: url, shownPath: shown, environment: environment)
            return CommandContext(
                configuration: configuration, shownPath: shown, hasFile: true, environment: environment)
        } catch {
            report(error, command: command, io: io)
            return nil
        }
    }

    /// Prints a configuration error: each problem on its own line, then a summary.
    static func report(_ error: ConfigError, command: String, io: CommandIO) {
        for problem in error.problems { io.printError(problem.located(in: error.file)) }
        let count = error.problems.count
        io.printError(
            "agentctl \(command): \(error.file) has \(count) problem\(count == 1 ? "" : "s"); "
                + "fix \(count == 1 ? "it" : "them") and run 'agentctl validate'")
    }

    /// The agent named on the command line, or `nil` after printing the known names.
    func agent(_ name: String, command: String, io: CommandIO) -> AgentConfiguration? {
        if let agent = configuration.agent(named: name) { return agent }
        if !hasFile {
            io.printError(
                "agentctl \(command): no configuration file (\(shownPath)) to find agent \"\(name)\" in; "
                    + "create one or pass --config PATH")
        } else {
            var message =
                "agentctl \(command): no agent named \"\(name)\" in \(shownPath); agents: \(configuration.agentNames)."
            if let suggestion = ConfigReader.closest(to: name, in: configuration.agents.map(\.name.rawValue)) {
                message += " Did you mean \"\(suggestion)\"?"
            }
            if let explanation = configuration.coding.explainUnknownPair(name) { message += " " + explanation }
            io.printError(message)
        }
        return nil
    }

    /// Opens the store with the opener of this command run (``StoreOpener/current``, the JSON-file store unless the
    /// host passed another).
    /// - Parameter forScheduling: Whether this process runs agents (it then marks orphaned runs abandoned).
    /// - Throws: ``StoreError`` when the store cannot be used.
    func openStore(forScheduling: Bool) async throws -> any CommandStore {
        try await StoreOpener.current.open(configuration, forScheduling)
    }

    /// Where the store is, for messages.
    var storeLocation: String { StoreOpener.current.describe(configuration) }

    /// Opens the store, printing the reason on failure.
    /// - Returns: The store, or `nil` (exit status 1).
    func openStore(forScheduling: Bool, command: String, io: CommandIO) async -> (any CommandStore)? {
        do {
            return try await openStore(forScheduling: forScheduling)
        } catch {
            io.printError(
                "agentctl \(command): cannot open the store at \(storeLocation): \(error)")
            return nil
        }
    }
}
