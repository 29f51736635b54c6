import AgentCore
import Testing

struct BoundedCacheTests {
    @Test func theOldestInsertedKeyLeavesFirstAndTheCountStaysWithinTheCapacity() {
        let cache = BoundedCache<Int, String>(capacity: 3)
        cache.insert([(key: 1, value: "one"), (key: 2, value: "two"), (key: 3, value: "three")])
        #expect(cache.values(for: [1, 2, 3, nil, 9]) == ["one", "two", "three", nil, nil])
        // Replacing a held key's value evicts nothing.
        cache.insert([(key: 2, value: "TWO")])
        #expect(cache.count == 3)
        #expect(cache.value(for: 2) == "TWO")
        cache.insert([(key: 4, value: "four"), (key: 5, value: "five")])
        #expect(cache.count == 3)
        #expect(cache.values(for: [1, 2, 3, 4, 5]) == [nil, nil, "three", "four", "five"])
        for key in 6..<100 { cache.insert([(key: key, value: "\(key)")]) }
        #expect(cache.count == 3)
        #expect(cache.values(for: [96, 97, 98, 99]) == [nil, "97", "98", "99"])
    }

    @Test func aCacheOfNoCapacityKeepsNothing() {
        let cache = BoundedCache<Int, String>(capacity: 0)
        cache.insert([(key: 1, value: "one")])
        #expect(cache.count == 0)
        #expect(cache.value(for: 1) == nil)
    }
}
