import AgentCore
import Foundation

/// The rules of named leases, shared by the in-memory and JSON-file stores. Callers hold their own lock.
package struct LeaseTable: Sendable {
    private var leases: [String: Lease] = [:]
    private var fencing: [String: UInt64] = [:]

    package init() {}

    package var all: [Lease] { leases.values.sorted { $0.name < $1.name } }

    package func live(name: String, now: Date) -> Lease? {
        guard let lease = leases[name], lease.expiresAt > now else { return nil }
        return lease
    }

    package mutating func acquire(name: String, owner: String, duration: Duration, now: Date) -> Lease? {
        let expiry = Timestamp.roundedToMilliseconds(now.addingTimeInterval(duration.timeInterval))
        if let current = live(name: name, now: now) {
            guard current.owner == owner else { return nil }
            var renewed = current
            renewed.expiresAt = expiry
            leases[name] = renewed
            return renewed
        }
        let token = (fencing[name] ?? 0) + 1
        fencing[name] = token
        let lease = Lease(name: name, owner: owner, expiresAt: expiry, fencingToken: token)
        leases[name] = lease
        return lease
    }

    /// Renews a lease held by the caller; an expired lease nobody else took in between may be renewed.
    package mutating func renew(_ lease: Lease, duration: Duration, now: Date) throws(StoreError) -> Lease {
        guard let current = leases[lease.name], current.owner == lease.owner,
            current.fencingToken == lease.fencingToken
        else {
            throw StoreError(
                .leaseNotHeld, "lease \"\(lease.name)\" is no longer held by \(lease.owner); acquire it again")
        }
        var renewed = current
        renewed.expiresAt = Timestamp.roundedToMilliseconds(now.addingTimeInterval(duration.timeInterval))
        leases[lease.name] = renewed
        return renewed
    }

    package mutating func release(_ lease: Lease) {
        guard let current = leases[lease.name], current.owner == lease.owner,
            current.fencingToken == lease.fencingToken
        else { return }
        leases[lease.name] = nil
    }

    /// Restores a lease read from disk (keeps the fencing counter monotonic).
    package mutating func restore(_ lease: Lease) {
        leases[lease.name] = lease
        fencing[lease.name] = max(fencing[lease.name] ?? 0, lease.fencingToken)
    }

    /// Forgets a lease (replayed release).
    package mutating func forget(name: String, fencingToken: UInt64) {
        if leases[name]?.fencingToken == fencingToken { leases[name] = nil }
        fencing[name] = max(fencing[name] ?? 0, fencingToken)
    }
}
