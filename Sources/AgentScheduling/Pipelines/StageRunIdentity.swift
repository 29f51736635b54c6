import AgentCore
import Foundation

/// The deterministic identity of a stage run: its run id follows from (candidate, stage, attempt), and its
/// idempotency key from (candidate, stage, run id), so a duplicate submission in any process finds the same run.
public struct StageRunIdentity: Sendable, Hashable {
    /// The candidate.
    public let candidateID: String
    /// The stage (index).
    public let stage: Int
    /// The attempt at the stage, from 1.
    public let attempt: Int
    /// The stage run's id: SHA-256 of `candidate`, `stage` and `attempt`, as a run id.
    public let runID: RunID

    /// Derives a stage run's identity.
    /// - Parameters:
    ///   - candidateID: The candidate.
    ///   - stage: The stage.
    ///   - attempt: The attempt (from 1).
    public init(candidateID: String, stage: Int, attempt: Int) {
        self.candidateID = candidateID
        self.stage = stage
        self.attempt = attempt
        var hash = SHA256()
        hash.update(Array("stage-run\u{0}\(candidateID)\u{0}\(stage)\u{0}\(attempt)".utf8))
        let bytes = hash.finalize()
        let high = bytes[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let low = bytes[8..<16].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        runID = RunID(high: high, low: low)
    }

    /// The idempotency key of the stage run's record: `stage:<candidate>:<stage>:<run id>`.
    public var idempotencyKey: IdempotencyKey? {
        try? IdempotencyKey("stage:\(candidateID):\(stage):\(runID)")
    }

    /// The digest of a stage run's artifacts: SHA-256 over each artifact's name and URI, and the bytes of an artifact
    /// that is a readable local file (a path or a `file://` URI), so a file changed after its gate gets a new digest.
    ///
    /// A command agent's own log files (`stdout.log`, `stderr.log`, `transcript.log`, `metadata.json`,
    /// `summary.txt`, see ``RunLogDirectory``) are left out: the runner finishes writing them after the run ended, so
    /// they would change between the gate and the promotion, and they are not what a gate judges.
    /// - Parameter artifacts: The artifacts.
    /// - Returns: `sha256:<hex>`.
    public static func digest(of artifacts: [RunArtifact]) -> String {
        var hash = SHA256()
        let judged = artifacts.filter { !RunLogDirectory.fileNames.contains($0.name) }
        for artifact in judged.sorted(by: { ($0.name, $0.uri) < ($1.name, $1.uri) }) {
            hash.update(Array("\(artifact.name)\u{0}\(artifact.uri)\u{0}".utf8))
            let path = artifact.uri.hasPrefix("file://") ? String(artifact.uri.dropFirst(7)) : artifact.uri
            if path.hasPrefix("/"), let contents = FileManager.default.contents(atPath: path) {
                hash.update(contents)
            }
        }
        return "sha256:" + hash.finalize().map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
