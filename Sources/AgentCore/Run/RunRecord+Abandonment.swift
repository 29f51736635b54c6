import Foundation

extension RunRecord {
    /// Marks the record ``RunStatus/abandoned``: its lease expired while it was not finished, so its owner
    /// probably died. Sets the end time, a transient error class and a message naming the lease's owner and expiry.
    ///
    /// Every store applies this one rule when it finds an orphaned run (during a claim of the same key or
    /// ``RunStore/abandonExpiredRuns()``).
    /// - Parameter now: The store's current time, the run's end.
    public mutating func markAbandoned(at now: Date) {
        let expiry = leaseExpiresAt.map(Timestamp.format) ?? "an unknown time"
        status = .abandoned
        endedAt = Timestamp.roundedToMilliseconds(now)
        errorClass = .transient
        errorMessage =
            "abandoned: the lease held by \(leaseOwner ?? "an unknown owner") expired at \(expiry) without renewal; its process probably stopped"
    }
}
