import AgentCore
import Foundation
import Synchronization

/// Watches one claimed run while its agent works: renews the run's lease every third of the lease duration
/// and signals the deadline, with clock timers rather than a task of its own (a task starts only for a
/// renewal, which only runs longer than a third of the lease need).
final class RunSupervisor: Sendable {
    private struct State {
        var timer: ClockTimer?
        var isStopped = false
    }

    private let runID: RunID
    private let deadline: Date
    private let leaseDuration: Duration
    private let race: SignalQueue<RunSignal>
    private let store: any RunStore
    private let clock: any AgentClock
    private let owner: String
    private let state = Mutex(State())

    /// Creates a supervisor; nothing happens until ``start()``.
    /// - Parameters:
    ///   - runID: The run whose lease to renew.
    ///   - deadline: When the run times out.
    ///   - leaseDuration: The length of each renewal.
    ///   - race: Where the deadline and a lost lease are signalled.
    ///   - store: The store holding the lease.
    ///   - clock: The clock the timers run on.
    ///   - owner: The lease owner.
    init(
        runID: RunID, deadline: Date, leaseDuration: Duration, race: SignalQueue<RunSignal>, store: any RunStore,
        clock: any AgentClock, owner: String
    ) {
        self.runID = runID
        self.deadline = deadline
        self.leaseDuration = leaseDuration
        self.race = race
        self.store = store
        self.clock = clock
        self.owner = owner
    }

    /// Arms the first timer: the first renewal or the deadline, whichever comes first.
    func start() {
        arm(nextRenewal: clock.now.addingTimeInterval(renewalInterval))
    }

    /// Stops watching: the pending timer is cancelled and a renewal in flight does not arm another.
    func stop() {
        let timer = state.withLock { state in
            state.isStopped = true
            defer { state.timer = nil }
            return state.timer
        }
        timer?.cancel()
    }

    private var renewalInterval: TimeInterval { leaseDuration.timeInterval / 3 }

    private var isStopped: Bool { state.withLock { $0.isStopped } }

    private func arm(nextRenewal: Date) {
        let timer = clock.startTimer(at: min(nextRenewal, deadline)) { [self] in fire() }
        let stale: ClockTimer? = state.withLock { state in
            if state.isStopped { return timer }
            state.timer = timer
            return nil
        }
        stale?.cancel()
    }

    private func fire() {
        guard !isStopped else { return }
        if clock.now >= deadline {
            race.deliver(.deadlineReached)
            return
        }
        Task { await renew() }
    }

    private func renew() async {
        do {
            _ = try await store.renewRunLease(id: runID, owner: owner, duration: leaseDuration)
        } catch let error as StoreError where error.code == .leaseNotHeld {
            if !isStopped { race.deliver(.leaseLost(error.message)) }
            return
        } catch {
            // A passing store failure: try again at the next renewal; the lease still has two thirds left.
        }
        guard !isStopped else { return }
        arm(nextRenewal: clock.now.addingTimeInterval(renewalInterval))
    }
}
