import AgentCore

/// A page of runs as the store answered a query, with where each of its records lay (``RecordBytesKey``): while
/// the same query selects records at the same places, the page is the same, and the store answers with this very
/// value (whose record array a caller can tell is the same without comparing records).
final class CachedRunPage: Sendable {
    /// The largest page kept.
    static let largest = 200
    /// How many pages the store keeps.
    static let capacity = 64

    /// Where the page's records lay, in order.
    let keys: [RecordBytesKey]
    /// Whether a run followed the page.
    let more: Bool
    /// The page.
    let page: RunPage

    /// Remembers a page read from the files at `keys`.
    init(keys: [RecordBytesKey], more: Bool, page: RunPage) {
        self.keys = keys
        self.more = more
        self.page = page
    }
}
