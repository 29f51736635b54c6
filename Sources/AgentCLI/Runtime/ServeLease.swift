import AgentCore
import Foundation

/// Holds the store lease ``ScheduleControl/serveLeaseName`` while `serve` runs, so that `pause`, `resume`,
/// `schedules` and `health` in other processes know a scheduler is running on the store.
///
/// When another serve holds the lease, this one retries at every renewal, so the lease stays held while any
/// serve runs.
struct ServeLease: Sendable {
    let store: any AgentStore
    let owner: String
    let clock: any AgentClock

    /// Takes and renews the lease until the task is cancelled, then releases it.
    func hold() async {
        var lease: Lease?
        while !Task.isCancelled {
            do {
                if let held = lease {
                    lease = try await store.renewLease(held, duration: ScheduleControl.serveLeaseDuration)
                } else {
                    lease = try await store.acquireLease(
                        named: ScheduleControl.serveLeaseName, owner: owner,
                        duration: ScheduleControl.serveLeaseDuration)
                }
            } catch {
                lease = nil
            }
            try? await clock.sleep(
                until: clock.now.addingTimeInterval(ScheduleControl.serveLeaseRenewal.timeInterval))
        }
        if let lease { try? await store.releaseLease(lease) }
    }
}
