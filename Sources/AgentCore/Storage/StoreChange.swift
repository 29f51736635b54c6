import Foundation

/// One thing that another process (or this one) wrote to a store and that live runners must learn about:
/// an entry of the store's change feed.
///
/// Changes are numbered by the store in the order they were written; every process reading the same store sees
/// the same numbers. Read them with ``ChangeFeedStore/changes(after:limit:)``.
public struct StoreChange: Sendable, Hashable {
    /// What changed.
    public enum Kind: Sendable, Hashable {
        /// An agent's schedule state was written (pause, resume, next fire, failure streak).
        case scheduleState(ScheduleState)
        /// An agent's schedule state was removed.
        case scheduleStateRemoved(AgentName)
        /// A control request was submitted, taken or completed.
        case request(ControlRequest)
        /// A run reached a terminal status (including ``RunStatus/abandoned``, which a store may write on its own
        /// when it finds a dead owner's run).
        case runEnded(id: RunID, agent: AgentName, status: RunStatus)
        /// A plan run was created or changed (``PlanStore``).
        case planRun(PlanRun)
        /// An approval request was written, decided or expired (``ApprovalStore``).
        case approval(ApprovalRequest)
        /// A pipeline candidate was submitted, started a stage run, was promoted, paused or resumed
        /// (``CandidateStore``).
        case candidate(Candidate)
    }

    /// The change's position in the feed; positions grow by one with every change.
    public var sequence: UInt64
    /// What changed.
    public var kind: Kind

    /// Creates a change.
    /// - Parameters:
    ///   - sequence: The position in the feed.
    ///   - kind: What changed.
    public init(sequence: UInt64, kind: Kind) {
        self.sequence = sequence
        self.kind = kind
    }

    /// The cursor just after this change.
    public var cursor: ChangeCursor { ChangeCursor(sequence: sequence) }
}

/// A position in a store's change feed: "everything up to and including this sequence number was read".
public struct ChangeCursor: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The sequence number of the last change read (0 before the first change).
    public var sequence: UInt64

    /// Creates a cursor.
    /// - Parameter sequence: The sequence number of the last change read; 0 reads from the start.
    public init(sequence: UInt64) { self.sequence = sequence }

    /// The cursor before any change.
    public static let start = ChangeCursor(sequence: 0)

    /// Orders cursors by sequence number.
    public static func < (lhs: ChangeCursor, rhs: ChangeCursor) -> Bool { lhs.sequence < rhs.sequence }

    /// The sequence number as text.
    public var description: String { String(sequence) }
}

/// The answer of ``ChangeFeedStore/changes(after:limit:)``.
public struct ChangePage: Sendable, Hashable {
    /// The changes after the cursor, oldest first.
    public var changes: [StoreChange]
    /// Where to continue: after the last change of the page (or the cursor given, when the page is empty).
    public var cursor: ChangeCursor
    /// `true` when changes after the given cursor are no longer kept (the store compacted its feed, or the cursor
    /// is from before the store was re-created): the reader missed something and must re-read the state it
    /// follows (schedule states, pending requests), then continue from ``cursor``.
    public var missedChanges: Bool

    /// Creates a page.
    /// - Parameters:
    ///   - changes: The changes, oldest first.
    ///   - cursor: Where to continue.
    ///   - missedChanges: Whether changes were lost between the given cursor and the first change of the page.
    public init(changes: [StoreChange], cursor: ChangeCursor, missedChanges: Bool = false) {
        self.changes = changes
        self.cursor = cursor
        self.missedChanges = missedChanges
    }
}
