import Synchronization

/// A thread-safe cache of at most ``capacity`` values; a new key replaces the oldest inserted one (first in,
/// first out), so memory stays bounded and a value read often is simply inserted again after it left.
///
/// Lookups and insertions take a batch of keys under one lock, so a page of records costs two lock round trips.
/// Whether a cached value may still be used is the caller's business: key values by something that never names
/// different contents later, or check what comes back. A value that is large to copy is best kept in a class
/// instance, so that a lookup copies one reference. The methods are inlinable so that callers get code
/// specialized to their key and value types.
public final class BoundedCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    @usableFromInline
    struct Storage {
        @usableFromInline var values: [Key: Value] = [:]
        /// Keys in insertion order, as a ring; `next` is the position the next new key takes.
        @usableFromInline var ring: [Key] = []
        @usableFromInline var next = 0

        @usableFromInline init() {}
    }

    /// The most values kept (0: the cache keeps nothing).
    public let capacity: Int
    @usableFromInline let storage = Mutex(Storage())

    /// Creates an empty cache.
    /// - Parameter capacity: The most values kept; 0 or less keeps nothing.
    public init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    /// The number of values held.
    @inlinable public var count: Int { storage.withLock { $0.values.count } }

    /// The cached values of `keys`, in order: `nil` for a key that is `nil` or not cached.
    @inlinable public func values(for keys: [Key?]) -> [Value?] {
        guard capacity > 0 else { return Array(repeating: nil, count: keys.count) }
        return storage.withLock { storage in
            var found: [Value?] = []
            found.reserveCapacity(keys.count)
            for key in keys { found.append(key.flatMap { storage.values[$0] }) }
            return found
        }
    }

    /// The cached value of `key`, if any.
    @inlinable public func value(for key: Key) -> Value? { values(for: [key])[0] }

    /// Stores values, replacing the value of a key already held, and evicting the oldest inserted keys beyond
    /// ``capacity``.
    @inlinable public func insert(_ entries: [(key: Key, value: Value)]) {
        guard capacity > 0, !entries.isEmpty else { return }
        storage.withLock { storage in
            for (key, value) in entries where storage.values.updateValue(value, forKey: key) == nil {
                if storage.ring.count < capacity {
                    storage.ring.append(key)
                } else {
                    storage.values[storage.ring[storage.next]] = nil
                    storage.ring[storage.next] = key
                }
                storage.next = (storage.next + 1) % capacity
            }
        }
    }
}
