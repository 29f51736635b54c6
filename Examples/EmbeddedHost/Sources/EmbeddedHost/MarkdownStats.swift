import AgentCore
import Foundation

/// The closure agent: counts the Markdown files in a directory tree and their lines.
enum MarkdownStats {
    /// Makes the agent.
    /// - Parameters:
    ///   - directory: The directory to scan.
    ///   - interval: How often it fires.
    static func agent(directory: URL, interval: Duration) -> ClosureAgent {
        ClosureAgent(
            name: "markdown-stats",
            schedule: .interval(interval),
            policy: RunPolicy(timeout: .seconds(60), retry: RetryPolicy(maximumRetries: 2, initialDelay: .seconds(5)))
        ) { _, context in
            context.log("scanning \(directory.path)")
            // Directory walks and file reads block; do them on a Dispatch queue, never on the cooperative pool.
            let counts = try await scan(directory)
            try context.checkCancellation()
            guard counts.files > 0 else {
                return .noOp("no Markdown files under \(directory.path)")
            }
            context.reportProgress(1, "read \(counts.files) files")
            return .succeeded(
                "\(counts.files) Markdown files, \(counts.lines) lines",
                counters: ["files": Int64(counts.files), "lines": Int64(counts.lines)])
        }
    }

    /// Walks `directory` on a Dispatch queue and counts `.md` files and their lines.
    /// - Throws: ``AgentFailure`` (permanent) when the directory does not exist.
    static func scan(_ directory: URL) async throws -> (files: Int, lines: Int) {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .utility).async {
                continuation.resume(with: Result { try scanBlocking(directory) })
            }
        }
    }

    private static func scanBlocking(_ directory: URL) throws -> (files: Int, lines: Int) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue
        else {
            throw AgentFailure.permanent("\(directory.path) is not a directory; pass an existing one with --docs")
        }
        guard
            let walker = FileManager.default.enumerator(
                at: directory, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles])
        else {
            throw AgentFailure.transient("could not list \(directory.path)")
        }
        var files = 0
        var lines = 0
        for case let url as URL in walker where url.pathExtension.lowercased() == "md" {
            guard let data = try? Data(contentsOf: url) else { continue }
            files += 1
            lines += data.reduce(0) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
        }
        return (files, lines)
    }
}
