import AgentCore
import Foundation

/// The test kit for agent authors: drive a scheduler on a ``ManualClock`` one wake-up at a time, or
/// simulate a whole period, without waiting for real time.
///
/// ```swift
/// let scheduler = try AgentScheduler(agents: [agent], store: InMemoryAgentStore(clock: clock), clock: clock)
/// let serving = Task { try await scheduler.run() }
/// while let wake = await scheduler.waitUntilParked(), wake <= end {
///     await clock.advance(to: wake)          // exactly to the next fire or retry
/// }
/// ```
extension AgentScheduler {
    /// Returns when nothing is in flight: no run holds a slot and no record or state waits to be written.
    public func waitUntilQuiet() async {
        if isQuiet { return }
        await withCheckedContinuation { quietWaiters.append($0) }
    }

    /// Returns when the drive loop of ``run()`` sleeps and nothing is in flight, with the time it sleeps until
    /// (`nil`: until woken). Tests advance a ``ManualClock`` to that time, one wake-up at a time.
    public func waitUntilParked() async -> Date? {
        if case .some(let deadline) = parkedDeadline, isQuiet, deadline.map({ $0 > clock.now }) ?? true {
            return deadline
        }
        return await withCheckedContinuation { parkedWaiters.append($0) }
    }

    /// When the scheduler must next wake: its earliest timer or store-recovery attempt (`nil`: never by itself).
    public var nextWake: Date? { nextWakeDate }

    /// How many ticks have run so far.
    package var ticks: Int { tickCount }

    /// How many runs hold a concurrency slot.
    package var activeRunCount: Int { active.count }

    /// Steps a manual clock from wake-up to wake-up up to `end`, ticking at each and waiting until every run
    /// started there has ended, all inside the actor: a dry run or a simulation of a period, without
    /// ``run()``'s sleeping machinery (do not call both). Agents run for real (use no-op agents to simulate).
    ///
    /// The scheduler and the runs it starts execute on one dedicated thread meanwhile (agents' own tasks
    /// excepted), so a simulation is a plain sequence of steps instead of work handed between the threads of
    /// Swift's pool; an agent must not block that thread (await instead).
    /// - Parameters:
    ///   - end: The last instant to tick at.
    ///   - clock: The scheduler's clock.
    /// - Returns: The number of ticks.
    public func simulate(through end: Date, on clock: ManualClock) async -> Int {
        let executor = SimulationExecutor()
        workerExecutor = executor
        defer {
            workerExecutor = nil
            executor.stop()
        }
        return await withTaskExecutorPreference(executor) {
            var ticks = 0
            await runDue(now: clock.now)
            await waitUntilQuiet()
            while let next = nextWakeDate, next <= end {
                await clock.advance(to: next)
                await runDue(now: next)
                await waitUntilQuiet()
                ticks += 1
            }
            return ticks
        }
    }
}
