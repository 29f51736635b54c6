import Foundation

extension PlanRun {
    /// The run as every ``PlanStore`` keeps it: checked (an id of 1–200 bytes, at least one task, no task id twice)
    /// and with its task times kept to the millisecond. Stores apply it on create and replace, so they all accept and
    /// refuse the same runs.
    /// - Returns: The run to store (the store then sets its times and version).
    /// - Throws: ``StoreError`` with ``StoreError/Code/invalidRecord`` naming what is wrong.
    public func validatedForStorage() throws(StoreError) -> PlanRun {
        guard !id.isEmpty, id.utf8.count <= 200 else {
            throw StoreError(.invalidRecord, "a plan run needs an id of 1-200 bytes, not \"\(id)\"")
        }
        guard !tasks.isEmpty else {
            throw StoreError(.invalidRecord, "plan run \(id) has no tasks; a plan needs at least one task")
        }
        guard Set(tasks.map(\.id)).count == tasks.count else {
            throw StoreError(.invalidRecord, "plan run \(id) lists a task twice; task ids must be unique")
        }
        var run = self
        run.endedAt = run.endedAt.map(Timestamp.roundedToMilliseconds)
        for index in run.tasks.indices {
            run.tasks[index].startedAt = run.tasks[index].startedAt.map(Timestamp.roundedToMilliseconds)
            run.tasks[index].endedAt = run.tasks[index].endedAt.map(Timestamp.roundedToMilliseconds)
        }
        return run
    }
}
