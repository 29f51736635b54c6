import AgentCore
import AgentScheduling
import Foundation
import Testing

/// The digest a gate's verdict and a promotion are tied to.
struct ArtifactDigestTests {
    @Test func theRunsOwnLogFilesDoNotCountButAChangedArtifactDoes() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("digest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let report = directory.appendingPathComponent("report.json")
        let metadata = directory.appendingPathComponent(RunLogDirectory.metadataFileName)
        try Data("{\"sharpe\":1.4}".utf8).write(to: report)
        try Data("{\"status\":\"running\"}".utf8).write(to: metadata)
        let artifacts = [
            RunArtifact(name: "report", uri: report.absoluteString),
            RunArtifact(name: RunLogDirectory.metadataFileName, uri: metadata.absoluteString),
        ]
        let judged = StageRunIdentity.digest(of: artifacts)
        // The runner rewrites metadata.json after the run ended: the digest stays.
        try Data("{\"status\":\"succeeded\"}".utf8).write(to: metadata)
        #expect(StageRunIdentity.digest(of: artifacts) == judged)
        #expect(StageRunIdentity.digest(of: Array(artifacts.prefix(1))) == judged)
        // The artifact the gate judged changes: so does the digest.
        try Data("{\"sharpe\":0.2}".utf8).write(to: report)
        #expect(StageRunIdentity.digest(of: artifacts) != judged)
    }
}
