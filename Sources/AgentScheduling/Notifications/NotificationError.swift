/// A webhook configuration that cannot be used.
public struct NotificationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem it is. New codes may be added; compare with `==`.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Storage: String, Sendable, Hashable {
            case invalidURL, invalidConfiguration
        }

        private let storage: Storage
        private init(_ storage: Storage) { self.storage = storage }

        /// The URL is not an absolute `http` or `https` URL.
        public static let invalidURL = Code(.invalidURL)
        /// Another value is out of range or unknown.
        public static let invalidConfiguration = Code(.invalidConfiguration)

        /// The code's name.
        public var description: String { storage.rawValue }
    }

    /// What kind of problem it is.
    public let code: Code
    /// What is wrong, where, and how to fix it.
    public let message: String

    /// Creates an error.
    /// - Parameters:
    ///   - code: What kind of problem it is.
    ///   - message: What is wrong, where, and how to fix it.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `invalidURL: …`
    public var description: String { "\(code): \(message)" }
}
