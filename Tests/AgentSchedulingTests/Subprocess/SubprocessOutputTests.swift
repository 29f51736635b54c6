import AgentCore
import Foundation
import Testing

@testable import AgentScheduling

#if canImport(Glibc)
    import Glibc
#endif

struct SubprocessOutputTests {
    @Test func outputPastTheBoundIsDiscardedAndTheTruncationNoted() async throws {
        let harness = try SubprocessHarness()
        let agent = try harness.agent(
            harness.configuration(
                "head -c 100000 /dev/zero | tr '\\0' 'a'; echo; echo tail-line", maximumOutputBytes: 10_000))
        let (result, excerpt, runID) = await harness.runDirectly(agent)
        let value = try result.get()
        #expect(value.outcome == .succeeded)
        #expect(value.counters["stdoutBytes"] == 100_011)
        #expect(value.warnings.contains { $0.contains("stdout.log was truncated at 10000 bytes") })
        let directory = agent.logDirectory(for: runID)
        let log = try String(contentsOf: directory.stdoutURL, encoding: .utf8)
        #expect(log.hasPrefix(String(repeating: "a", count: 10_000) + "\n[output truncated"))
        #expect(log.utf8.count < 10_200)
        #expect(excerpt.contains("tail-line"), "lines past the bound still reach the excerpt")
        let report = try directory.readMetadata().process
        #expect(report?.stdout.truncated == true)
        #expect(report?.stdout.bytesReceived == 100_011)
    }

    @Test func aSecretSplitAtAnyByteIsStillRedacted() throws {
        let directory = try TemporaryDirectory("pipeline")
        let redactor = SecretRedactor(secrets: ["hunter2-SECRET"])
        let input = Array("before hunter2-SECRET middle hunter2-SECRET\nafter\n".utf8)
        for split in 1..<input.count {
            let path = directory.url.appendingPathComponent("out-\(split)").path
            let file = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            defer { close(file) }
            var pipeline = OutputStreamPipeline(isStandardError: false, file: file, limit: 1 << 20)
            var lines: [String] = []
            pipeline.consume(input[..<split], redactor: redactor) { lines.append(String(decoding: $0, as: UTF8.self)) }
            pipeline.consume(input[split...], redactor: redactor) { lines.append(String(decoding: $0, as: UTF8.self)) }
            pipeline.finish(redactor: redactor) { lines.append(String(decoding: $0, as: UTF8.self)) }
            let written = try String(contentsOfFile: path, encoding: .utf8)
            #expect(written == "before [REDACTED] middle [REDACTED]\nafter\n", "split at \(split)")
            #expect(lines == ["before [REDACTED] middle [REDACTED]", "after"], "split at \(split)")
        }
    }

    @Test func longerSecretsAreRedactedBeforeTheirParts() {
        let redactor = SecretRedactor(secrets: ["abc", "abcdef"])
        #expect(redactor.redact("xabcdefx abc") == "x[REDACTED]x [REDACTED]")
        var bytes = Array("abcdef".utf8)
        redactor.redact(bytes: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == "[REDACTED]")
        let quoted = SecretRedactor(secrets: ["a\"b/c"])
        #expect(quoted.redactJSON(#"{"x":"a\"b\/c","y":"a\"b/c"}"#) == #"{"x":"[REDACTED]","y":"[REDACTED]"}"#)
    }
}
