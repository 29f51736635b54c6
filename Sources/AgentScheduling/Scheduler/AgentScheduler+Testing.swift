import AgentCore
import Foundation

extension AgentScheduler {
    /// Returns when nothing is in flight: no run holds a slot and no record or state waits to be written.
    ///
    /// For tests and simulations that call ``runDue(now:)`` themselves.
    package func waitUntilQuiet() async {
        if isQuiet { return }
        await withCheckedContinuation { quietWaiters.append($0) }
    }

    /// Returns when the drive loop of ``run()`` sleeps and nothing is in flight, with the time it sleeps until
    /// (`nil`: until woken). Tests advance a ``ManualClock`` to that time, one wake-up at a time.
    package func waitUntilParked() async -> Date? {
        if case .some(let deadline) = parkedDeadline, isQuiet, deadline.map({ $0 > clock.now }) ?? true {
            return deadline
        }
        return await withCheckedContinuation { parkedWaiters.append($0) }
    }

    /// When the scheduler must next wake: its earliest timer or store-recovery attempt (`nil`: never by itself).
    package var nextWake: Date? { nextWakeDate }

    /// How many ticks have run so far.
    package var ticks: Int { tickCount }

    /// How many runs hold a concurrency slot.
    package var activeRunCount: Int { active.count }

    /// Steps a manual clock from wake-up to wake-up up to `end`, ticking at each and waiting until every run
    /// started there has ended, all inside the actor: a dry run or a simulation of a period, without
    /// ``run()``'s sleeping machinery. Agents run for real (use no-op agents to simulate).
    /// - Parameters:
    ///   - end: The last instant to tick at.
    ///   - clock: The scheduler's clock.
    /// - Returns: The number of ticks.
    package func simulate(through end: Date, on clock: ManualClock) async -> Int {
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
