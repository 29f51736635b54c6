import Testing

@testable import PostgresAgentStore

/// The changes the notifications carried are served only when they continue the reader's cursor without a gap.
@Suite struct RecentChangesTests {
    private func entry(_ sequence: Int64) -> RecentChanges.Entry {
        RecentChanges.Entry(sequence: sequence, body: "{\"kind\": \"runEnded\", \"n\": \(sequence)}")
    }

    @Test func payloadsCarryTheNewestSequenceAndOptionallyTheChanges() throws {
        let bare = try #require(RecentChanges.parse("42"))
        #expect(bare.announced == 42 && bare.entries.isEmpty)
        let carried = try #require(RecentChanges.parse("8\n7\t{\"a\": \"x\\ty\"}\n8\t{}"))
        #expect(carried.announced == 8)
        #expect(carried.entries == [.init(sequence: 7, body: "{\"a\": \"x\\ty\"}"), .init(sequence: 8, body: "{}")])
        for foreign in ["", "hello", "3\nno tab", "3\nx\t{}"] {
            #expect(RecentChanges.parse(foreign) == nil, "\(foreign) was read as a notification of the store")
        }
    }

    @Test func aPageIsServedOnlyFromTheChangeAfterTheCursorOnAndStopsAtAGap() {
        let recent = RecentChanges()
        recent.keep(announced: 3, [entry(1), entry(2), entry(3)])
        // 4 was announced by its sequence alone (a batch of run writes), 5 and 6 with their bodies.
        recent.keep(announced: 4, [])
        recent.keep(announced: 6, [entry(5), entry(6)])
        #expect(recent.page(after: 0, limit: 10) == [entry(1), entry(2), entry(3)])
        #expect(recent.page(after: 1, limit: 1) == [entry(2)])
        #expect(recent.page(after: 3, limit: 10) == nil, "change 4 is not held, so the database must be asked")
        #expect(recent.page(after: 4, limit: 10) == [entry(5), entry(6)])
        #expect(recent.page(after: 6, limit: 10) == nil)
        #expect(recent.page(after: -5, limit: 10) == nil)
    }

    @Test func aFeedThatStartsAgainOrShrinksIsForgotten() {
        let recent = RecentChanges()
        recent.keep(announced: 5, [entry(4), entry(5)])
        // The schema was removed and created again: its feed counts from 1.
        recent.keep(announced: 1, [entry(1)])
        #expect(recent.page(after: 3, limit: 10) == nil)
        #expect(recent.page(after: 0, limit: 10) == [entry(1)])
        recent.keep(announced: 2, [entry(2)])
        recent.observe(latest: 2)
        #expect(recent.page(after: 0, limit: 10) == [entry(1), entry(2)], "the database agrees: nothing is forgotten")
        recent.observe(latest: 1)
        #expect(recent.page(after: 0, limit: 10) == nil, "the database holds less than was announced")
    }

    @Test func onlyTheNewestChangesAreKept() {
        let recent = RecentChanges(capacity: 4)
        recent.keep(announced: 10, (1...10).map(entry))
        #expect(recent.page(after: 5, limit: 10) == nil)
        #expect(recent.page(after: 6, limit: 10) == (7...10).map(entry))
    }
}
