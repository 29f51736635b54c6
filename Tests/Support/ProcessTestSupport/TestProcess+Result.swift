import AgentScheduling

extension TestProcess {
    /// How a finished process ended, and everything it wrote.
    package struct Result: Sendable {
        /// How it ended.
        package var exit: ProcessExit
        /// Standard output.
        package var out: String
        /// Standard error.
        package var err: String

        /// The exit status; for a process killed by a signal, 128 plus the signal (as a shell reports it);
        /// -1 when the status was lost.
        package var status: Int32 {
            if let status = exit.exitStatus { return status }
            if let signal = exit.signal { return 128 + signal }
            return -1
        }

        /// Standard output's non-empty lines.
        package var lines: [String] { out.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }

        /// `status 3`, `killed by SIGKILL`, or `status unknown`.
        /// - Parameter exit: How a process ended.
        /// - Returns: The description.
        static func describe(_ exit: ProcessExit) -> String {
            if let status = exit.exitStatus { return "status \(status)" }
            if let signal = exit.signal { return "killed by \(ProcessExit.name(ofSignal: signal))" }
            return "status unknown"
        }
    }
}
