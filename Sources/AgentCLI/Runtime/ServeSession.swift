import AgentCore
import AgentScheduling
import AgentStorage
import Foundation
import Synchronization

/// The scheduler of `serve` and `demo`: runs the configured agents on their schedules until SIGINT or SIGTERM (or
/// a time limit), printing one line per lifecycle event, then shuts down gracefully.
///
/// Everything here is a library call: ``AgentScheduler/run()`` does the scheduling and the graceful shutdown; this
/// type bridges signals to task cancellation, prints events, keeps the store's serve lease and applies pauses made
/// by other processes (``ExternalPauseSync``).
struct ServeSession {
    var configuration: AgentctlConfiguration
    var runnable: CommandContext.Runnable
    var store: JSONFileAgentStore
    var formatter: EventFormatter
    var io: CommandIO
    /// Stop by itself after this long (the demo); `nil` runs until a signal.
    var stopAfter: Duration?
    var clock: any AgentClock = SystemClock()

    /// Runs the scheduler until a signal (or ``stopAfter``) and returns the exit status.
    /// - Parameter onScheduler: Called with the scheduler once it exists (the demo reads its health).
    func run(onScheduler: @Sendable (AgentScheduler) async -> Void = { _ in }) async -> Int32 {
        let events = EventBroadcaster()
        var settings = SchedulerConfiguration(
            maximumConcurrentRuns: configuration.maximumConcurrentRuns,
            shutdownGracePeriod: configuration.shutdownGracePeriod)
        settings.owner = Orchestrator.defaultOwner()
        let scheduler: AgentScheduler
        let hooks: RunHooks
        do {
            scheduler = try AgentScheduler(
                agents: runnable.agents, store: store, events: events, configuration: settings)
            hooks = try RunHooks(store: store, runnable: runnable)
        } catch {
            io.printError("agentctl serve: \(error)")
            return ExitCode.usage
        }
        hooks.attach(to: events)
        let printer = printEvents(events.subscribe())
        let names = runnable.agents.map(\.name.rawValue)
        io.print(
            formatter.note(
                "serveStarted",
                "serving \(names.count) agent\(names.count == 1 ? "" : "s") (\(names.joined(separator: ", "))) "
                    + "from \(configuration.file.path); store \(configuration.storeDirectory.path); "
                    + (stopAfter.map { "stopping after \(DurationText.format($0))" } ?? "stop with Ctrl-C or SIGTERM"),
                fields: [
                    "agents": .array(names.map(JSONValue.string)), "store": .string(configuration.storeDirectory.path),
                    "pid": .integer(Int64(ProcessInfo.processInfo.processIdentifier)),
                ]))
        // The trap is installed before the scheduler starts, so that no signal finds the default action; a signal
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
        let schedulerTask = Task { try await scheduler.run() }
        let signalledEarly = stop.withLock { state in
            state.task = schedulerTask
            return state.signals > 0
        }
        if signalledEarly { schedulerTask.cancel() }
        let timer = stopAfter.map { limit in
            Task { [clock] in
                try? await clock.sleep(until: clock.now.addingTimeInterval(limit.timeInterval))
                schedulerTask.cancel()
            }
        }
        let helpers = Task { [store, clock] in
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    await ServeLease(store: store, owner: scheduler.orchestrator.owner, clock: clock).hold()
                }
                group.addTask { await ExternalPauseSync(scheduler: scheduler, store: store, clock: clock).run() }
            }
        }
        await onScheduler(scheduler)
        var status = ExitCode.success
        do {
            try await schedulerTask.value
        } catch {
            io.printError("agentctl serve: \(error)")
            status = ExitCode.failure
        }
        timer?.cancel()
        helpers.cancel()
        await helpers.value
        await hooks.finish(io: io)
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
