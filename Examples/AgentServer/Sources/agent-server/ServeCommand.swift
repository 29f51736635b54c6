import AgentCore
import AgentScheduling
import AgentServerKit
import ArgumentParser
import Foundation

/// `agent-server [serve]`: starts the runner and listens until SIGTERM or SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the agents of a configuration and serve the API and dashboard (the default command).",
        discussion: """
            Starts the runner from agentctl.json, as 'agentctl serve' does, and serves /api/v1 (described at
            /api/v1/openapi.json), the WebSocket /api/v1/events, /metrics and the dashboard at /. Without
            --config and without ./agentctl.json it serves the four demo agents of 'agentctl demo'.

            It listens on 127.0.0.1:8080 unless --listen or the configuration's server.listen says otherwise, and
            refuses an address other than loopback when the configuration has no server.tokens.

            SIGTERM or SIGINT stops it gracefully: the runner first (running runs get shutdownGracePeriod, every
            run gets a terminal record), then the listener.
            """)

    @Option(name: .long, help: "The configuration file (default: ./agentctl.json, else the demo agents).")
    var config: String?

    @Option(name: .long, help: "The address to listen on, HOST:PORT (default 127.0.0.1:8080; port 0 picks one).")
    var listen: String?

    @Option(
        name: .customLong("database-url"),
        help: "A PostgreSQL store: postgres://USER:PASSWORD@HOST:PORT/DATABASE (or DATABASE_URL).")
    var databaseURL: String?

    func run() async throws {
        do {
            let options = try ServerOptions.resolve(configPath: config, listen: listen, databaseURL: databaseURL)
            let server = try await AgentServer.open(options)
            let agents = server.gateway.agentNames.map(\.rawValue).joined(separator: ", ")
            try await server.run { port in
                let host = options.listen.host.contains(":") ? "[\(options.listen.host)]" : options.listen.host
                let line =
                    "agent-server: serving \(agents)\(options.isDemo ? " (demo agents)" : "") from "
                    + "\(options.configuration.file.path) on http://\(host):\(port)/ "
                    + "(store \(options.configuration.storeDirectory.path)); stop with Ctrl-C or SIGTERM\n"
                // Written unbuffered: scripts wait for this line.
                FileHandle.standardOutput.write(Data(line.utf8))
            }
            print("agent-server: stopped; every run has a terminal record")
        } catch let error as ServerStartupError {
            FileHandle.standardError.write(Data("agent-server: \(error.message)\n".utf8))
            throw ExitCode(2)
        }
    }
}
