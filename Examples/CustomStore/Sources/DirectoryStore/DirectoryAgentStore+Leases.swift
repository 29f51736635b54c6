import AgentCore
import Foundation

/// What a lease file holds: the live lease, if any, and the last fencing token ever issued for the name, so
/// tokens keep growing across release and re-acquire.
struct LeaseFile: Codable {
    var lease: Lease?
    var lastFencingToken: UInt64
}

extension DirectoryAgentStore {
    /// Takes a lease if it is free or expired (on the injected clock); re-acquiring one's own live lease renews it.
    /// - Parameters:
    ///   - name: What to lock.
    ///   - owner: Who takes it.
    ///   - duration: How long it lasts unless renewed.
    /// - Returns: The lease, or `nil` when someone else holds a live one.
    /// - Throws: ``StoreError`` when a file cannot be read or written.
    public func acquireLease(named name: String, owner: String, duration: Duration) async throws -> Lease? {
        try await locked { [self] in
            let url = leaseURL(name)
            var file = try read(LeaseFile.self, at: url) ?? LeaseFile(lease: nil, lastFencingToken: 0)
            let now = self.now
            let expiry = Timestamp.roundedToMilliseconds(now.addingTimeInterval(duration.timeInterval))
            if let current = file.lease, current.expiresAt > now {
                guard current.owner == owner else { return nil }
                file.lease?.expiresAt = expiry
            } else {
                file.lastFencingToken += 1
                file.lease = Lease(name: name, owner: owner, expiresAt: expiry, fencingToken: file.lastFencingToken)
            }
            try write(file, to: url)
            return file.lease
        }
    }

    /// Extends a lease the caller still holds (same owner and fencing token).
    /// - Parameters:
    ///   - lease: The lease as last returned.
    ///   - duration: The new length from now.
    /// - Returns: The renewed lease.
    /// - Throws: ``StoreError`` with ``StoreError/Code/leaseNotHeld`` when it was released or taken over.
    public func renewLease(_ lease: Lease, duration: Duration) async throws -> Lease {
        try await locked { [self] in
            let url = leaseURL(lease.name)
            guard var file = try read(LeaseFile.self, at: url), let current = file.lease,
                current.owner == lease.owner, current.fencingToken == lease.fencingToken
            else {
                throw StoreError(
                    .leaseNotHeld, "lease \"\(lease.name)\" is no longer held by \(lease.owner); acquire it again")
            }
            let renewed = Lease(
                name: current.name, owner: current.owner,
                expiresAt: Timestamp.roundedToMilliseconds(now.addingTimeInterval(duration.timeInterval)),
                fencingToken: current.fencingToken)
            file.lease = renewed
            try write(file, to: url)
            return renewed
        }
    }

    /// Gives a lease up; does nothing when the caller no longer holds it.
    /// - Parameter lease: The lease.
    /// - Throws: ``StoreError`` when a file cannot be read or written.
    public func releaseLease(_ lease: Lease) async throws {
        try await locked { [self] in
            let url = leaseURL(lease.name)
            guard var file = try read(LeaseFile.self, at: url), let current = file.lease,
                current.owner == lease.owner, current.fencingToken == lease.fencingToken
            else { return }
            file.lease = nil
            try write(file, to: url)
        }
    }

    /// The live holder of a lease.
    /// - Parameter name: What is locked.
    /// - Returns: The lease, or `nil` when it is free or expired on the injected clock.
    /// - Throws: ``StoreError`` when a file cannot be read.
    public func lease(named name: String) async throws -> Lease? {
        try await locked { [self] in
            guard let lease = try read(LeaseFile.self, at: leaseURL(name))?.lease, lease.expiresAt > now else {
                return nil
            }
            return lease
        }
    }
}
