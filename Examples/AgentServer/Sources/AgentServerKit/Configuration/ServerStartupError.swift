/// Why the server cannot start: a bad option, a bad configuration, a store that cannot be opened, an address in
/// use. The message says what is wrong and how to fix it.
public struct ServerStartupError: Error, Sendable, CustomStringConvertible {
    /// What is wrong and how to fix it.
    public var message: String

    /// Creates an error.
    /// - Parameter message: What is wrong and how to fix it.
    public init(_ message: String) { self.message = message }

    /// The message.
    public var description: String { message }
}
