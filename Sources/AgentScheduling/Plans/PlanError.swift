/// A plan definition that cannot be used, or a plan operation that cannot be done: a code to compare, and a message
/// that names what and where (the JSON path in `agentctl.json` when the plan came from there).
public struct PlanError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem it is. New codes may be added; compare with `==`.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Storage: String, Sendable, Hashable {
            case invalidName, duplicateTask, unknownTask, unknownAgent, cycle, noTasks, unknownPlan, invalidSchedule
            case notSettled, invalidDate
        }

        private let storage: Storage
        private init(_ storage: Storage) { self.storage = storage }

        /// The plan or task name is empty or not allowed.
        public static let invalidName = Code(.invalidName)
        /// Two tasks have the same id.
        public static let duplicateTask = Code(.duplicateTask)
        /// A `dependsOn` names a task the plan does not have.
        public static let unknownTask = Code(.unknownTask)
        /// A task names an agent that is not configured.
        public static let unknownAgent = Code(.unknownAgent)
        /// The dependencies form a cycle.
        public static let cycle = Code(.cycle)
        /// The plan has no task.
        public static let noTasks = Code(.noTasks)
        /// No plan has that name.
        public static let unknownPlan = Code(.unknownPlan)
        /// The plan's schedule cannot be used.
        public static let invalidSchedule = Code(.invalidSchedule)
        /// The plan run is not settled (a rerun needs a finished run).
        public static let notSettled = Code(.notSettled)
        /// The business date is not a valid date.
        public static let invalidDate = Code(.invalidDate)

        /// The code's name.
        public var description: String { storage.rawValue }
    }

    /// What kind of problem it is.
    public let code: Code
    /// What is wrong, where, and how to fix it.
    public let message: String

    /// Creates an error.
    /// - Parameters:
    ///   - code: What kind of problem.
    ///   - message: What, where, and how to fix it.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
