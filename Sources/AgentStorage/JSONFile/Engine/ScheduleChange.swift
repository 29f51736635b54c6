import AgentCore
import Synchronization

/// The caller's change of ``JSONFileAgentStore/updateScheduleState(for:_:)``, handed to the writer queue.
///
/// The protocol's closure is non-escaping: the store passes it on through `withoutActuallyEscaping`, which
/// traps if a copy of the closure outlives the call. So the closure lives only in this box, the writer takes it
/// out to run it (once) and the caller empties the box before its call returns, whatever happened.
final class ScheduleChange: Sendable {
    private let body: Mutex<(@Sendable (inout ScheduleState) -> Void)?>

    /// Boxes a change.
    /// - Parameter body: The change.
    init(_ body: @escaping @Sendable (inout ScheduleState) -> Void) {
        self.body = Mutex(body)
    }

    /// Runs the change on a state, unless it already ran or was discarded.
    /// - Parameter state: The state to change.
    func apply(to state: inout ScheduleState) {
        guard let change = body.withLock({ body in body.take() }) else { return }
        change(&state)
    }

    /// Drops the closure.
    func discard() {
        body.withLock { $0 = nil }
    }
}
