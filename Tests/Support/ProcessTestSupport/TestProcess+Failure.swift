extension TestProcess {
    /// A child process that could not be started, did not do what a test waited for before the deadline, or
    /// ended first. Its description names what was awaited and ends with the child's last output.
    package struct Failure: Error, CustomStringConvertible {
        /// How much of the end of each output stream a message quotes.
        static let excerptBytes = 4096

        /// The message.
        package let message: String

        /// A failure with this message.
        /// - Parameter message: What went wrong.
        package init(_ message: String) { self.message = message }

        /// The message.
        package var description: String { message }
    }
}
