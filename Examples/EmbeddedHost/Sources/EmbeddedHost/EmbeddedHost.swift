import AgentCore
import AgentScheduling
import AgentStorage
import Foundation

/// A small service that embeds the runner: two agents, a JSON-file store, progress on stdout, the health
/// snapshot on SIGUSR1 or `--health`, and a graceful shutdown on SIGTERM or SIGINT. It starts the same
/// ``AgentRunner`` as `agentctl serve`, so it also follows pauses, run and cancel requests made with `agentctl`
/// on the same store, announces itself, and finalizes the greeter's run logs (`metadata.json`, `summary.txt`).
@main
struct EmbeddedHost {
    static func main() async {
        let options: HostOptions
        do {
            options = try HostOptions.parse(CommandLine.arguments.dropFirst())
        } catch {
            if let message = error.message {
                FileHandle.standardError.write(Data("error: \(message)\n\n\(HostOptions.usage)\n".utf8))
                exit(64)
            }
            writeLine(HostOptions.usage)
            return
        }
        // Signals are handled from the first instant: SIGTERM or SIGINT cancels the service task (the scheduler
        // then shuts down gracefully), SIGUSR1 prints the health snapshot once there is a scheduler.
        let current = CurrentScheduler()
        let service = Task { try await serve(options, current: current) }
        let signals = SignalHandlers()
        signals.on(SIGTERM) { service.cancel() }
        signals.on(SIGINT) { service.cancel() }
        signals.on(SIGUSR1) { current.printHealth() }
        let timer: Task<Void, Never>? = options.runFor.map { runFor in
            Task {
                try? await SystemClock().sleep(for: runFor)
                service.cancel()
            }
        }
        defer {
            timer?.cancel()
            signals.cancelAll()
        }
        do {
            try await service.value
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            exit(1)
        }
    }

    /// Opens the store, builds the runner and runs it until the calling task is cancelled.
    static func serve(_ options: HostOptions, current: CurrentScheduler) async throws {
        let store = try await JSONFileAgentStore.open(directory: options.stateDirectory)
        let agents: [any AgentDefinition] = [
            MarkdownStats.agent(directory: options.docsDirectory, interval: options.interval),
            try Greeter.agent(
                logRoot: options.stateDirectory.appendingPathComponent("logs"), interval: options.interval),
        ]
        let runner = try AgentRunner(
            agents: agents, store: store, options: AgentRunner.Options(role: "EmbeddedHost"))
        let scheduler = runner.scheduler

        if options.healthOnly {
            writeLine(HealthReport.render(try await scheduler.health()))
            return
        }

        // Subscribe before run() so no event is missed.
        let subscription = runner.events.subscribe()
        let printer = Task {
            for await event in subscription {
                writeLine(options.jsonEvents ? event.jsonLine : ProgressLine.render(event))
            }
        }
        defer { printer.cancel() }
        current.set(scheduler)

        let pid = ProcessInfo.processInfo.processIdentifier
        writeLine("EmbeddedHost \(pid): \(agents.count) agents, state in \(options.stateDirectory.path)")
        writeLine("kill -USR1 \(pid) prints the health snapshot; SIGTERM or Ctrl-C stops gracefully")
        // Runs until this task is cancelled, then shuts down gracefully: every run gets its terminal record.
        try await runner.run()
        writeLine(HealthReport.render(try await scheduler.health()))
        writeLine("stopped")
    }
}
