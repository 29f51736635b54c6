import Foundation

/// A task executor with one dedicated thread, for ``AgentScheduler/simulate(through:on:)``.
///
/// A simulation is a long chain of short steps: tick, start runs, record them, tick again. On Swift's global
/// executor each step may wake another thread of the pool and hand the work back and forth between them; on
/// one thread the steps simply follow each other. Jobs enqueued after ``stop()`` go to the global executor, so
/// a task that outlives the simulation still finishes.
final class SimulationExecutor: TaskExecutor, @unchecked Sendable {
    // @unchecked Sendable: `jobs` and `isStopped` are read and written only while `condition` is locked, and
    // the other stored properties are immutable.
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var isStopped = false

    /// Creates the executor and starts its thread.
    init() {
        let thread = Thread { [self] in runLoop() }
        thread.name = "agent-scheduler-simulation"
        thread.start()
    }

    /// Queues a job for the executor's thread (or the global executor once stopped).
    /// - Parameter job: The job.
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        guard !isStopped else {
            condition.unlock()
            globalConcurrentExecutor.enqueue(job)
            return
        }
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Lets the thread run what is queued and end; later jobs go to the global executor.
    func stop() {
        condition.lock()
        isStopped = true
        condition.signal()
        condition.unlock()
    }

    private func runLoop() {
        var batch: [UnownedJob] = []
        while true {
            condition.lock()
            while jobs.isEmpty, !isStopped { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            swap(&batch, &jobs)
            condition.unlock()
            for job in batch { job.runSynchronously(on: asUnownedTaskExecutor()) }
            batch.removeAll(keepingCapacity: true)
        }
    }
}
