import AgentCLI
import AgentCore
import Foundation
import PostgresAgentStore

/// `agent-runner-pg`: agentctl's commands (`serve`, `run`, `runs`, `show`, `logs`, `pause`, `resume`, `cancel`,
/// `schedules`, `health`, …) on a PostgreSQL store shared by several runner processes and hosts, plus
/// `bench`, the PostgreSQL benchmark.
///
/// The database comes from `--database-url URL` (anywhere on the command line) or `DATABASE_URL`; the agents from
/// the configuration file, as for agentctl (`--config PATH`, default `./agentctl.json`; its `store` setting is
/// not used).
@main
struct AgentRunnerPG {
    static func main() async {
        let environment = ProcessInfo.processInfo.environment
        let io = CommandIO.standard
        let parsed: DatabaseArgument
        do {
            parsed = try DatabaseArgument(Array(CommandLine.arguments.dropFirst()), environment: environment)
        } catch {
            FileHandle.standardError.write(Data("agent-runner-pg: \(error)\n".utf8))
            exit(2)
        }
        if parsed.arguments.first == "bench" {
            exit(await PostgresBenchmark.main(Array(parsed.arguments.dropFirst()), url: parsed.url))
        }
        if parsed.arguments.isEmpty || ["--help", "-h", "help"].contains(parsed.arguments[0]) {
            FileHandle.standardOutput.write(Data(DatabaseArgument.help.utf8))
        }
        exit(await CommandRouter.run(parsed.arguments, io: io, stores: parsed.stores))
    }
}
