import Synchronization

/// Fire-and-forget tasks that can still be awaited (for graceful shutdown and tests) or cancelled.
final class PendingTasks: Sendable {
    private struct State {
        var nextID = 0
        var tasks: [Int: Task<Void, Never>] = [:]
    }

    private let state = Mutex(State())

    /// Creates an empty set.
    init() {}

    /// The number of tasks not yet finished (or not yet collected by ``drain()``).
    var count: Int { state.withLock { $0.tasks.count } }

    /// Starts a task and keeps it until it ends.
    /// - Parameter body: The work.
    func spawn(_ body: @escaping @Sendable () async -> Void) {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        let task = Task { [weak self] in
            await body()
            _ = self?.state.withLock { $0.tasks.removeValue(forKey: id) }
        }
        // If the task already ended, this leaves a finished task in the table; drain() collects it.
        state.withLock { $0.tasks[id] = task }
    }

    /// Waits until every task started so far, and every task they start, has ended.
    func drain() async {
        while true {
            let snapshot = state.withLock { $0.tasks }
            if snapshot.isEmpty { return }
            for (_, task) in snapshot { await task.value }
            state.withLock { state in
                for id in snapshot.keys { state.tasks.removeValue(forKey: id) }
            }
        }
    }

    /// Cancels every task (they end at their next suspension point that honours cancellation).
    func cancelAll() {
        let tasks = state.withLock { $0.tasks.values }
        for task in tasks { task.cancel() }
    }
}
