import Foundation

/// Which runs to list: filters, a page size and where to continue. Results are newest first
/// (by run id, which sorts by creation time).
public struct RunQuery: Sendable, Hashable {
    /// The largest page a store must serve.
    public static let maximumLimit = 10_000

    /// Only runs of this agent.
    public var agent: AgentName?
    /// Only runs in one of these statuses.
    public var statuses: Set<RunStatus>?
    /// Only runs with this idempotency key.
    public var idempotencyKey: IdempotencyKey?
    /// Only runs queued at or after this time.
    public var queuedSince: Date?
    /// Only runs queued before this time.
    public var queuedBefore: Date?
    /// The page size, 1 to ``maximumLimit``.
    public var limit: Int
    /// Where to continue: the ``RunPage/nextCursor`` of the previous page.
    public var cursor: RunCursor?

    /// Creates a query.
    /// - Parameters:
    ///   - agent: Only runs of this agent.
    ///   - statuses: Only runs in one of these statuses.
    ///   - idempotencyKey: Only runs with this key.
    ///   - queuedSince: Only runs queued at or after this time.
    ///   - queuedBefore: Only runs queued before this time.
    ///   - limit: The page size (default 50).
    ///   - cursor: Where to continue.
    public init(
        agent: AgentName? = nil, statuses: Set<RunStatus>? = nil, idempotencyKey: IdempotencyKey? = nil,
        queuedSince: Date? = nil, queuedBefore: Date? = nil, limit: Int = 50, cursor: RunCursor? = nil
    ) {
        self.agent = agent
        self.statuses = statuses
        self.idempotencyKey = idempotencyKey
        self.queuedSince = queuedSince
        self.queuedBefore = queuedBefore
        self.limit = limit
        self.cursor = cursor
    }

    /// Checks the query's parameters.
    /// - Throws: ``StoreError`` with code ``StoreError/Code/invalidQuery`` when the limit is out of range.
    public func validate() throws(StoreError) {
        guard (1...Self.maximumLimit).contains(limit) else {
            throw StoreError(.invalidQuery, "limit \(limit) is out of range 1-\(Self.maximumLimit)")
        }
    }

    /// Whether a record passes the query's filters (not the cursor).
    /// - Parameter record: The record.
    /// - Returns: `true` when every filter matches.
    public func matches(_ record: RunRecord) -> Bool {
        if let agent, record.agentName != agent { return false }
        if let statuses, !statuses.contains(record.status) { return false }
        if let idempotencyKey, record.idempotencyKey != idempotencyKey { return false }
        if let queuedSince, record.queuedAt < queuedSince { return false }
        if let queuedBefore, record.queuedAt >= queuedBefore { return false }
        return true
    }
}

/// An opaque position in a list of runs, to fetch the next page (keyset pagination: no gaps or
/// repeats even while runs are added).
public struct RunCursor: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The cursor's text, safe to pass around in URLs and command lines.
    public let token: String

    /// Wraps a token received from a caller.
    /// - Parameter token: The token.
    public init(token: String) { self.token = token }

    /// The cursor that continues after a run (newest first: the next page holds older runs).
    /// - Parameter runID: The last run of the current page.
    /// - Returns: The cursor.
    public static func after(_ runID: RunID) -> RunCursor { RunCursor(token: "r1." + runID.rawValue) }

    /// The run this cursor continues after, for stores that use the standard token format.
    /// - Throws: ``StoreError`` with code ``StoreError/Code/invalidCursor`` for a token in another format.
    public func runID() throws(StoreError) -> RunID {
        guard token.hasPrefix("r1."), let id = try? RunID(String(token.dropFirst(3))) else {
            throw StoreError(
                .invalidCursor, "\"\(token)\" is not a cursor from this store; pass the nextCursor of a previous page")
        }
        return id
    }

    /// The token.
    public var description: String { token }
}

/// One page of a run query.
public struct RunPage: Sendable, Hashable {
    /// The runs, newest first.
    public var records: [RunRecord]
    /// Where the next page starts, or `nil` when this is the last page.
    public var nextCursor: RunCursor?

    /// Creates a page.
    /// - Parameters:
    ///   - records: The runs, newest first.
    ///   - nextCursor: Where the next page starts.
    public init(records: [RunRecord], nextCursor: RunCursor?) {
        self.records = records
        self.nextCursor = nextCursor
    }
}
