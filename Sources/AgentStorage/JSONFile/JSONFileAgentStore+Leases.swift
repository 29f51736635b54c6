import AgentCore
import Foundation
import Synchronization

extension JSONFileAgentStore {
    /// See ``LeaseStore/acquireLease(named:owner:duration:)``. Fencing tokens grow across processes.
    /// - Parameters:
    ///   - name: What to lock.
    ///   - owner: Who takes it.
    ///   - duration: How long it lasts unless renewed.
    /// - Returns: The lease, or `nil` when someone else holds a live one.
    /// - Throws: ``StoreError`` when the journal cannot be written.
    public func acquireLease(named name: String, owner: String, duration: Duration) async throws -> Lease? {
        guard
            case .lease(let lease) = try await engine.perform(
                .acquireLease(name: name, owner: owner, duration: duration))
        else { throw Self.unexpected }
        return lease
    }

    /// See ``LeaseStore/renewLease(_:duration:)``.
    /// - Parameters:
    ///   - lease: The lease as last returned.
    ///   - duration: The new length from now.
    /// - Returns: The renewed lease.
    /// - Throws: ``StoreError`` with `leaseNotHeld`.
    public func renewLease(_ lease: Lease, duration: Duration) async throws -> Lease {
        guard case .lease(let renewed?) = try await engine.perform(.renewLease(lease, duration: duration)) else {
            throw Self.unexpected
        }
        return renewed
    }

    /// See ``LeaseStore/releaseLease(_:)``.
    /// - Parameter lease: The lease.
    /// - Throws: ``StoreError`` when the journal cannot be written.
    public func releaseLease(_ lease: Lease) async throws {
        _ = try await engine.perform(.releaseLease(lease))
    }

    /// See ``LeaseStore/lease(named:)``.
    /// - Parameter name: What is locked.
    /// - Returns: The live lease, or `nil`.
    /// - Throws: ``StoreError`` when the journal cannot be read.
    public func lease(named name: String) async throws -> Lease? {
        let now = engine.clock.now
        return try await engine.read { $0.leases.live(name: name, now: now) }
    }
}
