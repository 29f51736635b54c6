import AgentCLI
import AgentCore
import AgentScheduling
import Foundation

/// Everything the server needs to start, resolved from the command line, `agentctl.json` and the environment:
/// the runner's configuration, the address, the bearer tokens and the store choice.
public struct ServerOptions: Sendable {
    /// The runner's configuration (the demo agents when no file was given).
    public var configuration: RunnerConfiguration
    /// Where to listen.
    public var listen: ListenAddress
    /// The bearer tokens; empty means no authentication, which is allowed only on a loopback address.
    public var tokens: [ServerConfiguration.ResolvedToken]
    /// A PostgreSQL URL, or `nil` for the JSON-file store.
    public var databaseURL: String?
    /// Whether the configuration is the built-in demo.
    public var isDemo: Bool
    /// The environment `{"fromEnv": …}` values are read from.
    public var environment: [String: String]

    /// Creates options directly (tests and embedding programs).
    /// - Parameters:
    ///   - configuration: The runner's configuration.
    ///   - listen: Where to listen.
    ///   - tokens: The bearer tokens.
    ///   - databaseURL: A PostgreSQL URL, or `nil`.
    ///   - isDemo: Whether the configuration is the demo.
    ///   - environment: The environment for `{"fromEnv": …}` values.
    /// - Throws: ``ServerStartupError`` for a non-loopback address without tokens.
    public init(
        configuration: RunnerConfiguration, listen: ListenAddress = .defaultAddress,
        tokens: [ServerConfiguration.ResolvedToken] = [], databaseURL: String? = nil, isDemo: Bool = false,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ServerStartupError) {
        guard listen.isLoopback || !tokens.isEmpty else {
            throw ServerStartupError(
                "refusing to listen on \(listen) without bearer tokens: anyone who can reach it could run and "
                    + "cancel agents. Add \"server\": {\"tokens\": [...]} to the configuration, or listen on "
                    + "127.0.0.1")
        }
        self.configuration = configuration
        self.listen = listen
        self.tokens = tokens
        self.databaseURL = databaseURL
        self.isDemo = isDemo
        self.environment = environment
    }

    /// Resolves the options of `agent-server`.
    /// - Parameters:
    ///   - configPath: `--config`; without it `./agentctl.json` when it exists, else the demo agents.
    ///   - listen: `--listen`; without it the file's `server.listen`, else ``ListenAddress/defaultAddress``.
    ///   - databaseURL: `--database-url`; without it `DATABASE_URL`.
    ///   - environment: The process environment.
    ///   - currentDirectory: Where relative paths start.
    /// - Returns: The options.
    /// - Throws: ``ServerStartupError`` listing every configuration problem, or for a bad address.
    public static func resolve(
        configPath: String?, listen: String?, databaseURL: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
    ) throws(ServerStartupError) -> ServerOptions {
        var environment = environment
        var file: URL
        var isDemo = false
        if let configPath {
            file = URL(fileURLWithPath: configPath, relativeTo: currentDirectory).standardizedFileURL
        } else {
            file = currentDirectory.appendingPathComponent(RunnerConfiguration.defaultFileName)
            if !FileManager.default.fileExists(atPath: file.path) {
                do {
                    file = try DemoAgents.writeToTemporaryDirectory(prefix: "agent-server-demo").file
                } catch {
                    throw ServerStartupError("cannot write the demo configuration: \(error)")
                }
                // The demo's home is its own: AGENTCTL_HOME must not redirect its store.
                environment.removeValue(forKey: RunnerConfiguration.storeEnvironmentVariable)
                isDemo = true
            }
        }
        let configuration: RunnerConfiguration
        do {
            configuration = try RunnerConfiguration.load(
                from: URL(fileURLWithPath: file.path, isDirectory: false), shownPath: configPath ?? file.path,
                environment: environment)
        } catch {
            throw ServerStartupError(describe(error))
        }
        let server = configuration.server ?? ServerConfiguration()
        let address = try ListenAddress(parsing: listen ?? server.listen ?? ListenAddress.defaultAddress.description)
        let tokens: [ServerConfiguration.ResolvedToken]
        switch server.resolvedTokens(environment: environment) {
        case .success(let resolved): tokens = resolved
        case .failure(let error):
            throw ServerStartupError(describe(ConfigError(file: configPath ?? file.path, problems: error.problems)))
        }
        let url = databaseURL ?? environment[StoreFactory.databaseURLVariable]
        return try ServerOptions(
            configuration: configuration, listen: address, tokens: tokens, databaseURL: url, isDemo: isDemo,
            environment: environment)
    }

    /// Every problem of a configuration error on its own line, then a summary.
    private static func describe(_ error: ConfigError) -> String {
        let lines = error.problems.map { $0.located(in: error.file) }
        let count = error.problems.count
        return
            (lines + ["\(error.file) has \(count) problem\(count == 1 ? "" : "s"); fix \(count == 1 ? "it" : "them")"])
            .joined(separator: "\n")
    }
}
