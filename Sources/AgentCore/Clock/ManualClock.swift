import Foundation
import Synchronization

/// A clock that only moves when told to, for fast and deterministic tests.
///
/// ``advance(by:)`` and ``advance(to:)`` wake sleepers in deadline order: the clock stops at each
/// sleeper's deadline, resumes every sleeper due then, and lets woken tasks run (so they can register
/// their next sleep) before moving on. Timers from ``startTimer(at:_:)`` are sleepers too: they fire in the
/// same order and count in ``sleeperCount``. ``sleeperCount`` and ``waitForSleepers(count:)`` let a test
/// advance only once the code under test is parked.
///
/// ```swift
/// let clock = ManualClock(start: Date(timeIntervalSince1970: 1_700_000_000))
/// async let woke: Void = clock.sleep(for: .seconds(60))
/// await clock.waitForSleepers(count: 1)
/// await clock.advance(by: .seconds(60))
/// try await woke
/// ```
public final class ManualClock: AgentClock {
    private struct Sleeper {
        /// What waking a sleeper does.
        enum Wake {
            /// Resumes a task suspended in ``ManualClock/sleep(until:)``.
            case task(CheckedContinuation<Void, any Error>)
            /// Calls the action of a timer from ``ManualClock/startTimer(at:_:)``.
            case timer(@Sendable () -> Void)
        }

        let deadline: Date
        let sequence: UInt64
        let wake: Wake

        func fire() {
            switch wake {
            case .task(let continuation): continuation.resume()
            case .timer(let action): action()
            }
        }
    }

    private struct CountWaiter {
        let count: Int
        let continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var now: Date
        var nextID: UInt64 = 0
        var sleepers: [UInt64: Sleeper] = [:]
        var cancelledBeforeRegistration: Set<UInt64> = []
        var countWaiters: [CountWaiter] = []
    }

    private let state: Mutex<State>
    /// ``now`` as the bit pattern of its `timeIntervalSinceReferenceDate` (what `Date` stores, so it round-trips exactly), written under the lock whenever `state.now`
    /// changes: reading the time, which everything does all the time, takes no lock.
    private let currentTime: Atomic<UInt64>
    private let yieldsPerWake: Int

    /// Creates a clock.
    /// - Parameters:
    ///   - start: The initial time (default: 2026-01-01T00:00:00Z, so tests do not depend on today).
    ///   - yieldsPerWake: How many times ``advance(to:)`` yields after each wake so woken tasks can run.
    public init(start: Date = Date(timeIntervalSince1970: 1_767_225_600), yieldsPerWake: Int = 64) {
        state = Mutex(State(now: start))
        currentTime = Atomic(start.timeIntervalSinceReferenceDate.bitPattern)
        self.yieldsPerWake = yieldsPerWake
    }

    /// The current virtual time.
    public var now: Date {
        Date(timeIntervalSinceReferenceDate: Double(bitPattern: currentTime.load(ordering: .acquiring)))
    }

    /// How many tasks are sleeping on this clock right now, plus the timers not fired or cancelled yet.
    public var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    /// The earliest deadline among sleepers, if any.
    public var nextDeadline: Date? { state.withLock { $0.sleepers.values.map(\.deadline).min() } }

    /// Suspends until the virtual time reaches `deadline`.
    /// - Parameter deadline: The instant to wake at; a past or present deadline returns at once.
    /// - Throws: `CancellationError` when the task is cancelled, also when cancellation races the call.
    public func sleep(until deadline: Date) async throws {
        try Task.checkCancellation()
        let id: UInt64 = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let action: ResumeAction = state.withLock { state in
                    if state.cancelledBeforeRegistration.remove(id) != nil { return .cancel }
                    if deadline <= state.now { return .resume }
                    state.sleepers[id] = Sleeper(deadline: deadline, sequence: id, wake: .task(continuation))
                    return .wait(Self.takeSatisfiedWaiters(&state))
                }
                switch action {
                case .cancel: continuation.resume(throwing: CancellationError())
                case .resume: continuation.resume()
                case .wait(let waiters): waiters.forEach { $0.resume() }
                }
            }
        } onCancel: {
            let sleeper: Sleeper? = state.withLock { state in
                if let sleeper = state.sleepers.removeValue(forKey: id) { return sleeper }
                state.cancelledBeforeRegistration.insert(id)
                return nil
            }
            if case .task(let continuation) = sleeper?.wake { continuation.resume(throwing: CancellationError()) }
        }
    }

    /// Registers a timer that fires when ``advance(to:)`` reaches `deadline`, in order with the sleepers; a
    /// deadline that has passed calls `action` before this returns.
    /// - Parameters:
    ///   - deadline: When to call `action`.
    ///   - action: What to do; it runs on the task that advances the clock.
    /// - Returns: The handle that cancels the timer.
    public func startTimer(at deadline: Date, _ action: @escaping @Sendable () -> Void) -> ClockTimer {
        let (id, isDue, waiters) = state.withLock { state in
            state.nextID += 1
            let id = state.nextID
            if deadline <= state.now { return (id, true, [CheckedContinuation<Void, Never>]()) }
            state.sleepers[id] = Sleeper(deadline: deadline, sequence: id, wake: .timer(action))
            return (id, false, Self.takeSatisfiedWaiters(&state))
        }
        waiters.forEach { $0.resume() }
        if isDue { action() }
        return ClockTimer { [self] in _ = state.withLock { $0.sleepers.removeValue(forKey: id) } }
    }

    private enum ResumeAction {
        case cancel, resume
        case wait([CheckedContinuation<Void, Never>])
    }

    /// Waits (without moving time) until at least `count` tasks sleep on this clock.
    /// - Parameter count: The number of sleepers to wait for.
    public func waitForSleepers(count: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready: Bool = state.withLock { state in
                if state.sleepers.count >= count { return true }
                state.countWaiters.append(CountWaiter(count: count, continuation: continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// Moves time forward by `duration`, waking sleepers in deadline order.
    /// - Parameter duration: How far to move; negative durations do nothing.
    public func advance(by duration: Duration) async {
        await advance(to: now.addingTimeInterval(duration.timeInterval))
    }

    /// Moves time forward to `target`, waking sleepers in deadline order (see the type's documentation).
    /// - Parameter target: The new time; a time in the past leaves the clock where it is.
    public func advance(to target: Date) async {
        while true {
            // Finding no sleeper due and moving to `target` are one step under the lock: a sleeper registered in
            // between (with a deadline up to `target`) would otherwise be left asleep at a time already reached.
            let due: [Sleeper] = state.withLock { state in
                guard let earliest = state.sleepers.values.map(\.deadline).min(), earliest <= target else {
                    if target > state.now { setNow(target, in: &state) }
                    return []
                }
                if earliest > state.now { setNow(earliest, in: &state) }
                let due = state.sleepers.values.filter { $0.deadline <= earliest }.sorted { $0.sequence < $1.sequence }
                for sleeper in due { state.sleepers.removeValue(forKey: sleeper.sequence) }
                return due
            }
            if due.isEmpty { break }
            for sleeper in due { sleeper.fire() }
            for _ in 0..<yieldsPerWake { await Task.yield() }
        }
        for _ in 0..<yieldsPerWake { await Task.yield() }
    }

    /// Lets other tasks run without moving time (useful after starting work that will park on the clock).
    public func settle() async {
        for _ in 0..<yieldsPerWake { await Task.yield() }
    }

    private func setNow(_ time: Date, in state: inout State) {
        state.now = time
        currentTime.store(time.timeIntervalSinceReferenceDate.bitPattern, ordering: .releasing)
    }

    private static func takeSatisfiedWaiters(_ state: inout State) -> [CheckedContinuation<Void, Never>] {
        let count = state.sleepers.count
        var ready: [CheckedContinuation<Void, Never>] = []
        state.countWaiters.removeAll { waiter in
            guard waiter.count <= count else { return false }
            ready.append(waiter.continuation)
            return true
        }
        return ready
    }
}
