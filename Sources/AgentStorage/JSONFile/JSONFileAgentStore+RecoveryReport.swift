import AgentCore
import Foundation

extension JSONFileAgentStore {
    /// What the store found and repaired while reading its files: torn tails, corrupt lines, leftover
    /// temporary files and runs abandoned by dead owners.
    ///
    /// Nothing the report lists was lost: a torn tail is a write that was never acknowledged, and every
    /// corrupt line is kept in the quarantine file (`quarantine.jsonl`) with its origin.
    public struct RecoveryReport: Sendable, Hashable, CustomStringConvertible {
        /// An incomplete last line, cut away (the crash happened while it was being written, before it was
        /// acknowledged).
        public struct TornTail: Sendable, Hashable {
            /// The file's path.
            public var path: String
            /// Where the incomplete line started.
            public var offset: Int64
            /// How many bytes were cut (and copied to the quarantine file).
            public var byteCount: Int
        }

        /// A complete line that could not be read, skipped and kept in the quarantine file.
        public struct CorruptLine: Sendable, Hashable {
            /// The file's path.
            public var path: String
            /// The 1-based line number.
            public var lineNumber: Int
            /// Where the line starts.
            public var offset: Int64
            /// Why it could not be read.
            public var reason: String
        }

        /// Incomplete last lines that were cut away.
        public var tornTails: [TornTail] = []
        /// Lines that were skipped.
        public var corruptLines: [CorruptLine] = []
        /// Temporary files of crashed compactions that were deleted (their contents are also in the
        /// snapshot and journal).
        public var removedTemporaryFiles: [String] = []
        /// Temporary files left alone because the process that writes them is still alive.
        public var ignoredTemporaryFiles: [String] = []
        /// Runs marked abandoned on open because their owner's lease had expired.
        public var abandonedRuns: [RunID] = []
        /// Where skipped bytes were copied.
        public var quarantinePath: String

        /// Creates an empty report.
        /// - Parameter quarantinePath: Where skipped bytes are copied.
        public init(quarantinePath: String) { self.quarantinePath = quarantinePath }

        /// Whether nothing needed repair.
        public var isClean: Bool {
            tornTails.isEmpty && corruptLines.isEmpty && removedTemporaryFiles.isEmpty && ignoredTemporaryFiles.isEmpty
                && abandonedRuns.isEmpty
        }

        /// One line per finding, for logs and `agentctl` output.
        public var description: String {
            guard !isClean else { return "the store's files are intact" }
            var lines: [String] = []
            for tail in tornTails {
                lines.append(
                    "cut an incomplete last line of \(tail.byteCount) bytes at byte \(tail.offset) of \(tail.path) (a write interrupted by a crash, never acknowledged); the bytes are in \(quarantinePath)"
                )
            }
            for line in corruptLines {
                lines.append(
                    "skipped line \(line.lineNumber) of \(line.path) (\(line.reason)); it is kept in \(quarantinePath)")
            }
            for path in removedTemporaryFiles { lines.append("deleted the leftover temporary file \(path)") }
            for path in ignoredTemporaryFiles {
                lines.append("ignored the temporary file \(path) of a running process")
            }
            if !abandonedRuns.isEmpty {
                lines.append(
                    "marked \(abandonedRuns.count) run(s) abandoned whose owner's lease had expired: \(abandonedRuns.map(\.rawValue).joined(separator: ", "))"
                )
            }
            return lines.joined(separator: "\n")
        }
    }
}
