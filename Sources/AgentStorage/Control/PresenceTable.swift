import AgentCore
import Foundation

/// Runner presences by id, with the rules of ``PresenceStore``: the in-memory and JSON-file stores keep one and
/// apply every presence operation through it under their lock.
package struct PresenceTable: Sendable {
    /// Every stored presence by runner id (expired ones included until they are removed or pruned).
    package private(set) var byID: [String: RunnerPresence] = [:]

    /// Creates an empty table.
    package init() {}

    /// The stamped presence a heartbeat stores, as ``PresenceStore/heartbeat(_:timeToLive:)``; call ``put(_:)``
    /// with it.
    /// - Parameters:
    ///   - presence: The runner's identity.
    ///   - timeToLive: How long it counts as alive.
    ///   - now: The store's current time.
    /// - Returns: The presence to store.
    package func beat(_ presence: RunnerPresence, timeToLive: Duration, now: Date) -> RunnerPresence {
        var stored = presence
        let now = Timestamp.roundedToMilliseconds(now)
        if let existing = byID[presence.id], existing.expiresAt > now {
            stored.startedAt = existing.startedAt
        } else {
            stored.startedAt = now
        }
        stored.lastHeartbeatAt = now
        stored.expiresAt = Timestamp.roundedToMilliseconds(now.addingTimeInterval(timeToLive.timeInterval))
        return stored
    }

    /// Stores a presence.
    /// - Parameter presence: The presence.
    package mutating func put(_ presence: RunnerPresence) {
        byID[presence.id] = presence
    }

    /// Removes a presence.
    /// - Parameter id: The runner id.
    /// - Returns: Whether one was stored.
    @discardableResult
    package mutating func remove(id: String) -> Bool {
        byID.removeValue(forKey: id) != nil
    }

    /// The live presences, oldest start first, as ``PresenceStore/livePresences()``.
    /// - Parameter now: The store's current time.
    /// - Returns: The presences that have not expired.
    package func live(now: Date) -> [RunnerPresence] {
        byID.values.filter { $0.expiresAt > now }.sorted {
            ($0.startedAt, $0.id) < ($1.startedAt, $1.id)
        }
    }

    /// The ids of presences that expired long enough ago to forget (a day by default).
    /// - Parameters:
    ///   - now: The store's current time.
    ///   - after: How long an expired presence is kept.
    /// - Returns: The ids.
    package func stale(now: Date, after: Duration = .seconds(86_400)) -> [String] {
        let limit = now.addingTimeInterval(-after.timeInterval)
        return byID.values.filter { $0.expiresAt < limit }.map(\.id)
    }
}
