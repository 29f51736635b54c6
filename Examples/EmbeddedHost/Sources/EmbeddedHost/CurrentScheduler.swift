import AgentScheduling
import Synchronization

/// The running scheduler, if any, for the SIGUSR1 handler (which is installed before the scheduler exists).
final class CurrentScheduler: Sendable {
    private let scheduler = Mutex<AgentScheduler?>(nil)

    /// Publishes the scheduler once it is built.
    func set(_ scheduler: AgentScheduler) {
        self.scheduler.withLock { $0 = scheduler }
    }

    /// Prints the health snapshot from a new task (the signal queue must not wait for the store).
    func printHealth() {
        guard let scheduler = scheduler.withLock({ $0 }) else {
            writeLine("health: the scheduler is not running yet")
            return
        }
        Task {
            do {
                writeLine(HealthReport.render(try await scheduler.health()))
            } catch {
                writeLine("health snapshot failed: \(error)")
            }
        }
    }
}
