import AgentCore
import Foundation

extension AgentScheduler {
    /// The graceful shutdown that ends ``run()``: stop starting runs, let running ones finish until the grace
    /// period ends, cancel the rest, and leave every run with a terminal record.
    ///
    /// Fires that were due but not started stay in the persisted schedule state (its next fire does not pass
    /// them), so the next start handles them under the misfire policy. Waiting retries are recorded `skipped`,
    /// so every chain of attempts visibly ends.
    ///
    /// Called from an unstructured task: ``run()``'s own task is cancelled, and waiting must not be.
    func shutdown() async {
        lifecycle = .stopping
        publishState()
        for retry in retries.values.sorted() {
            skip(retry, reason: "the scheduler shut down before attempt \(retry.request.attempt) was due")
        }
        retries = [:]
        timers = Heap()
        var unstarted = queue.unordered + waiting.values.flatMap { $0 }
        queue = Heap()
        waiting = [:]
        unstarted.sort()
        // Unstarted fires stay held in the schedule state: the next start finds them among the missed fires.
        for run in unstarted { finishChain(run, .notStarted) }
        for id in backfills.keys.sorted() { submitBackfill(id) }
        await pump()

        let deadline = clock.now.addingTimeInterval(configuration.shutdownGracePeriod.timeInterval)
        await waitForActiveRuns(until: deadline)
        if !active.isEmpty {
            for id in active.keys { cancel(id) }
            await waitForActiveRuns(until: nil)
        }
        await pump()
        lifecycle = .stopped
        publishState()
        checkWaiters()
    }

    /// Waits until no run is active, or until `deadline` on the clock.
    private func waitForActiveRuns(until deadline: Date?) async {
        let clock = self.clock
        let drained = self.drained
        while !active.isEmpty {
            if let deadline {
                guard clock.now < deadline else { return }
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { try? await clock.sleep(until: deadline) }
                    group.addTask { await drained.wait() }
                    _ = await group.next()
                    group.cancelAll()
                }
            } else {
                await drained.wait()
            }
        }
    }
}
