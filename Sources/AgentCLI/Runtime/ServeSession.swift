import AgentCore
import AgentScheduling
import AgentStorage
import Foundation
import Synchronization

/// The scheduler of `serve` and `demo`: runs the configured agents on their schedules until SIGINT or SIGTERM (or
/// a time limit), printing one line per lifecycle event, then shuts down gracefully.
///
/// Everything here is a library call: ``AgentRunner/run()`` does the scheduling, cross-process control, presence,
/// notifications and the graceful shutdown; this type only bridges signals to task cancellation and prints events.
struct ServeSession {
    var configuration: RunnerConfiguration
    var runnable: CommandContext.Runnable
    var store: any CommandStore
    var formatter: EventFormatter
    var io: CommandIO
    /// Stop by itself after this long (the demo); `nil` runs until a signal.
    var stopAfter: Duration?
    var clock: any AgentClock = SystemClock()

    /// Runs the scheduler until a signal (or ``stopAfter``) and returns the exit status.
    /// - Parameter onScheduler: Called with the scheduler once it exists (the demo reads its health).
    func run(onScheduler: @Sendable (AgentScheduler) async -> Void = { _ in }) async -> Int32 {
        let events = EventBroadcaster()
        let runner: AgentRunner
        do {
            runner = try AgentRunner(
                agents: runnable.agents, store: store, clock: clock, events: events,
                options: configuration.runnerOptions(webhooks: runnable.webhooks, role: "agentctl serve"))
        } catch {
            io.printError("agentctl serve: \(error)")
            return ExitCode.usage
        }
        let printer = printEvents(events.subscribe())
        let names = runnable.agents.map(\.name.rawValue)
        io.print(
            formatter.note(
                "serveStarted",
                "serving \(names.count) agent\(names.count == 1 ? "" : "s") (\(names.joined(separator: ", "))) "
                    + "from \(configuration.file.path); store \(store.location); "
                    + (stopAfter.map { "stopping after \(DurationText.format($0))" } ?? "stop with Ctrl-C or SIGTERM"),
                fields: [
                    "agents": .array(names.map(JSONValue.string)), "store": .string(store.location),
                    "pid": .integer(Int64(ProcessInfo.processInfo.processIdentifier)), "runner": .string(runner.id),
                ]))
        // The trap is installed before the runner starts, so that no signal finds the default action; a signal
        // that arrives before the task exists cancels it as soon as it does.
        let stop = Mutex<(signals: Int, task: Task<Void, any Error>?)>((0, nil))
        let trap = SignalTrap { [formatter, io, configuration] signal in
            let (count, task) = stop.withLock { state in
                state.signals += 1
                return (state.signals, state.task)
            }
            let grace = DurationText.format(configuration.shutdownGracePeriod)
            io.print(
                formatter.note(
                    "signalReceived",
                    count == 1
                        ? "\(signal): shutting down; running runs get \(grace) to finish, then they are cancelled"
                        : "\(signal): already shutting down (running runs get at most \(grace))",
                    fields: ["signal": .string(signal)]))
            task?.cancel()
        }
        let runnerTask = Task { try await runner.run() }
        let signalledEarly = stop.withLock { state in
            state.task = runnerTask
            return state.signals > 0
        }
        if signalledEarly { runnerTask.cancel() }
        let timer = stopAfter.map { limit in
            Task { [clock] in
                try? await clock.sleep(until: clock.now.addingTimeInterval(limit.timeInterval))
                runnerTask.cancel()
            }
        }
        await onScheduler(runner.scheduler)
        var status = ExitCode.success
        do {
            try await runnerTask.value
        } catch {
            io.printError("agentctl serve: \(error)")
            status = ExitCode.failure
        }
        timer?.cancel()
        events.finish()
        await printer.value
        trap.cancel()
        io.print(formatter.note("serveStopped", "stopped; every run has a terminal record"))
        return status
    }

    /// Prints every event.
    private func printEvents(_ stream: AsyncStream<RunEvent>) -> Task<Void, Never> {
        Task { [formatter, io] in
            for await event in stream {
                if let line = formatter.line(for: event) { io.print(line) }
            }
        }
    }
}
