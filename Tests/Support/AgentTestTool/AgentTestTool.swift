import Foundation

/// `agent-test-tool`: programs that the project's tests run as child processes, built with the tests and
/// never shipped (it is not a product).
///
/// - `store-torture`: writes to, tears, and contends for a JSON-file store (``StoreTorture``).
/// - `scheduler-soak`: runs a scheduler on a JSON-file store until a deadline (``SchedulerSoak``).
@main
enum AgentTestTool {
    static let usage = """
        USAGE: agent-test-tool <command> [options]

        COMMANDS:
          store-torture   \(StoreTorture.summary)
          scheduler-soak  \(SchedulerSoak.summary)

        Run 'agent-test-tool <command> --help' for a command's options.
        """

    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let output = ToolOutput()
        let status: Int32
        switch arguments.first {
        case StoreTorture.name: status = await StoreTorture.run(Array(arguments.dropFirst()), output: output)
        case SchedulerSoak.name: status = await SchedulerSoak.run(Array(arguments.dropFirst()), output: output)
        case "--help", "-h", "help":
            output.print(usage)
            status = 0
        default:
            output.printError(usage)
            status = 2
        }
        exit(status)
    }
}
