/// A set that remembers only its most recently inserted elements (first in, first out).
struct RecentSet<Element: Hashable & Sendable>: Sendable {
    private var members: Set<Element> = []
    private var order: [Element] = []
    private var start = 0
    let capacity: Int

    /// Creates an empty set.
    /// - Parameter capacity: How many elements are remembered.
    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Whether the element is remembered.
    func contains(_ element: Element) -> Bool { members.contains(element) }

    /// Adds an element, forgetting the oldest when full.
    /// - Returns: `false` if it was already there.
    @discardableResult
    mutating func insert(_ element: Element) -> Bool {
        guard members.insert(element).inserted else { return false }
        if order.count < capacity {
            order.append(element)
        } else {
            members.remove(order[start])
            order[start] = element
            start = (start + 1) % capacity
        }
        return true
    }
}
