/// An error from a store: a code to compare in code, and a message for people.
///
/// ```swift
/// do { try await store.updateRun(record) }
/// catch let error as StoreError where error.code == .runNotFound { … }
/// ```
public struct StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure it is. New codes may be added; compare with `==`.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Storage: String, Sendable, Hashable {
            case duplicateRunID, runNotFound, terminalRecordImmutable, invalidRecord, leaseNotHeld, invalidCursor
            case invalidQuery, corruptData, unsupportedFormatVersion, io, unavailable, requestNotFound
            case versionConflict, planRunNotFound, approvalNotFound, candidateNotFound, transitionRefused
        }

        private let storage: Storage
        private init(_ storage: Storage) { self.storage = storage }

        /// A record with that run id already exists.
        public static let duplicateRunID = Code(.duplicateRunID)
        /// No record has that run id.
        public static let runNotFound = Code(.runNotFound)
        /// The record is terminal; its status can no longer change.
        public static let terminalRecordImmutable = Code(.terminalRecordImmutable)
        /// The record is not acceptable (for example its agent or idempotency key changed).
        public static let invalidRecord = Code(.invalidRecord)
        /// The caller does not hold the lease it tried to renew or release.
        public static let leaseNotHeld = Code(.leaseNotHeld)
        /// The cursor was not produced by this store for this query.
        public static let invalidCursor = Code(.invalidCursor)
        /// The query's parameters are out of range.
        public static let invalidQuery = Code(.invalidQuery)
        /// Stored data cannot be read.
        public static let corruptData = Code(.corruptData)
        /// Stored data was written by a newer version of the library.
        public static let unsupportedFormatVersion = Code(.unsupportedFormatVersion)
        /// An operating-system I/O call failed.
        public static let io = Code(.io)
        /// The store cannot be reached right now; try again.
        public static let unavailable = Code(.unavailable)
        /// No control request has that id.
        public static let requestNotFound = Code(.requestNotFound)
        /// A compare-and-set found another version than the caller read: re-read and decide again.
        public static let versionConflict = Code(.versionConflict)
        /// No plan run has that id.
        public static let planRunNotFound = Code(.planRunNotFound)
        /// The run has no approval request.
        public static let approvalNotFound = Code(.approvalNotFound)
        /// No pipeline candidate has that id.
        public static let candidateNotFound = Code(.candidateNotFound)
        /// A pipeline candidate may not make that transition (a promotion without its evidence, a resume of a
        /// candidate that is not paused); the message names what is missing.
        public static let transitionRefused = Code(.transitionRefused)

        /// The code's name.
        public var description: String { storage.rawValue }
    }

    /// What kind of failure it is.
    public let code: Code
    /// What went wrong, where, and how to fix it.
    public let message: String

    /// Creates an error.
    /// - Parameters:
    ///   - code: What kind of failure it is.
    ///   - message: What went wrong, where, and how to fix it.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `runNotFound: no run with id 01J…`
    public var description: String { "\(code): \(message)" }
}
