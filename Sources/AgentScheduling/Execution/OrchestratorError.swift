import AgentCore

/// Why the orchestrator could not run a request at all (a failed agent run is a record, not an error).
public struct OrchestratorError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem it is.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Storage: String, Sendable, Hashable {
            case agentMismatch, invalidRequest, storeFailure
        }

        private let storage: Storage
        private init(_ storage: Storage) { self.storage = storage }

        /// The request names another agent than the one given.
        public static let agentMismatch = Code(.agentMismatch)
        /// The request is not valid (for example attempt number 0).
        public static let invalidRequest = Code(.invalidRequest)
        /// The store failed while claiming or recording the run.
        public static let storeFailure = Code(.storeFailure)

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

    /// `agentMismatch: …`
    public var description: String { "\(code): \(message)" }
}
