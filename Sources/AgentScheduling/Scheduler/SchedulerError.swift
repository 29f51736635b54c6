import AgentCore

/// Why the scheduler refused a request: a code to compare in code, and a message for people.
///
/// ```swift
/// do { try await scheduler.pause("nightly") }
/// catch let error as SchedulerError where error.code == .unknownAgent { … }
/// ```
public struct SchedulerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem it is. New codes may be added; compare with `==`.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Storage: String, Sendable, Hashable {
            case unknownAgent, duplicateAgent, invalidSchedule, invalidBackfill, alreadyRunning, notStarted
        }

        private let storage: Storage
        private init(_ storage: Storage) { self.storage = storage }

        /// No agent with that name is registered.
        public static let unknownAgent = Code(.unknownAgent)
        /// An agent with that name is already registered.
        public static let duplicateAgent = Code(.duplicateAgent)
        /// The schedule cannot be parsed or never fires.
        public static let invalidSchedule = Code(.invalidSchedule)
        /// The backfill range is empty, reversed or too long.
        public static let invalidBackfill = Code(.invalidBackfill)
        /// ``AgentScheduler/run()`` was called while it was already running, or after it ended.
        public static let alreadyRunning = Code(.alreadyRunning)
        /// The scheduler shut down before the requested run started.
        public static let notStarted = Code(.notStarted)

        /// The code's name.
        public var description: String { storage.rawValue }
    }

    /// What kind of problem it is.
    public let code: Code
    /// What went wrong and how to fix it.
    public let message: String

    /// Creates an error.
    /// - Parameters:
    ///   - code: What kind of problem it is.
    ///   - message: What went wrong and how to fix it.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `unknownAgent: no agent named "nightly" is registered`
    public var description: String { "\(code): \(message)" }
}
