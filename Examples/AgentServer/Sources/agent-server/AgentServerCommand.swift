import AgentCore
import AgentScheduling
import AgentServerKit
import ArgumentParser
import Foundation

/// `agent-server`: the runner of an `agentctl.json` behind an HTTP API, live events and a dashboard.
@main
struct AgentServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent-server",
        abstract: "Serve the runner's HTTP API, live events and dashboard.",
        subcommands: [ServeCommand.self, BenchCommand.self],
        defaultSubcommand: ServeCommand.self)
}
