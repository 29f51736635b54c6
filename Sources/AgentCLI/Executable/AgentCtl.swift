import AgentCLI
import Foundation

/// The `agentctl` executable: a thin command-line layer over the library.
@main
enum AgentCtl {
    static func main() async {
        let status = await CommandRouter.run(Array(CommandLine.arguments.dropFirst()), io: .standard)
        exit(status)
    }
}
