/// A binary min-heap: the smallest element (by `<`) is always at the top.
///
/// The scheduler keeps its timers and its queue of due runs in heaps, so taking the next deadline or the most
/// urgent run costs O(log n) whatever the number of agents.
struct Heap<Element: Comparable> {
    private var storage: [Element] = []

    /// Creates an empty heap.
    init() {}

    /// The number of elements.
    var count: Int { storage.count }

    /// Whether the heap is empty.
    var isEmpty: Bool { storage.isEmpty }

    /// The smallest element, if any.
    /// - Complexity: O(1).
    var min: Element? { storage.first }

    /// Every element, in no particular order.
    var unordered: [Element] { storage }

    /// Adds an element.
    /// - Complexity: O(log n).
    mutating func insert(_ element: Element) {
        storage.append(element)
        siftUp(from: storage.count - 1)
    }

    /// Removes and returns the smallest element.
    /// - Complexity: O(log n).
    mutating func popMin() -> Element? {
        guard !storage.isEmpty else { return nil }
        storage.swapAt(0, storage.count - 1)
        let smallest = storage.removeLast()
        if !storage.isEmpty { siftDown(from: 0) }
        return smallest
    }

    /// Removes every element that matches a predicate.
    /// - Complexity: O(n).
    mutating func removeAll(where shouldRemove: (Element) -> Bool) {
        let kept = storage.filter { !shouldRemove($0) }
        guard kept.count != storage.count else { return }
        storage = []
        for element in kept { insert(element) }
    }

    private mutating func siftUp(from start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard storage[child] < storage[parent] else { return }
            storage.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(from start: Int) {
        var parent = start
        let count = storage.count
        while true {
            let left = 2 * parent + 1
            guard left < count else { return }
            let right = left + 1
            var smallest = left
            if right < count, storage[right] < storage[left] { smallest = right }
            guard storage[smallest] < storage[parent] else { return }
            storage.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
