import AgentCore
import Foundation
import Testing

struct RunRecordTests {
    private func sampleRecord() throws -> RunRecord {
        let generator = RunIDGenerator(random: SeededRandomNumberGenerator(seed: 1))
        let queued = Date(timeIntervalSince1970: 1_795_000_000.123)
        let request = AgentRunRequest(
            agent: "nightly-review", trigger: .retry(of: generator.next(at: queued), attempt: 2),
            parameters: ["repo": "api", "paths": ["Sources", "Tests"], "depth": 3, "ratio": 0.5],
            correlationID: "corr-1", businessDate: try BusinessDate("2026-11-20"))
        var record = RunRecord(
            id: generator.next(at: queued), request: request, status: .failed, queuedAt: queued,
            leaseOwner: "host/42/abc", leaseExpiresAt: Date(timeIntervalSince1970: 1_795_000_030.5))
        record.startedAt = Date(timeIntervalSince1970: 1_795_000_000.2)
        record.endedAt = Date(timeIntervalSince1970: 1_795_000_012.75)
        record.summary = "2 of 3 checks passed"
        record.counters = ["checks": 3, "passed": 2]
        record.artifacts = [RunArtifact(name: "report", uri: "file:///tmp/report.md")]
        record.warnings = ["slow network"]
        record.outputsURI = "file:///tmp/out"
        record.errorClass = .rateLimited
        record.errorMessage = "usage limit reached"
        record.logExcerpt = ["starting", "… 3 line(s) omitted …", "done"]
        record.notifiedAt = Date(timeIntervalSince1970: 1_795_000_013)
        return record
    }

    @Test func roundTripsExactlyThroughJSON() throws {
        let record = try sampleRecord()
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(record)
        let decoded = try JSONDecoder().decode(RunRecord.self, from: data)
        #expect(decoded == record)
        #expect(try encoder.encode(decoded) == data)
        #expect(record.duration == .milliseconds(12_550))
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(#""queuedAt":"2026-11-18T11:06:40.123Z""#))
        #expect(text.contains(#""durationMs":12550"#))
    }

    @Test(arguments: [
        RunTrigger.manual, .scheduled(at: Date(timeIntervalSince1970: 1_795_000_000)),
        .backfill(try! BusinessDate("2024-02-29")),
    ])
    func triggersRoundTrip(_ trigger: RunTrigger) throws {
        let data = try JSONEncoder().encode(trigger)
        #expect(try JSONDecoder().decode(RunTrigger.self, from: data) == trigger)
    }

    @Test func aNewerSchemaVersionIsRefusedWithAClearMessage() throws {
        let data = try JSONEncoder().encode(try sampleRecord())
        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        object["schemaVersion"] = 2
        let newer = try JSONSerialization.data(withJSONObject: object)
        #expect {
            try JSONDecoder().decode(RunRecord.self, from: newer)
        } throws: { error in
            "\(error)".contains("schema version 2 is not supported")
        }
    }

    @Test func statusesKnowWhetherTheyAreTerminal() {
        let nonTerminal: Set<RunStatus> = [.queued, .running, .awaitingApproval]
        for status in RunStatus.allCases { #expect(status.isTerminal == !nonTerminal.contains(status)) }
        #expect(RunStatus.succeeded.isSuccess && RunStatus.noOp.isSuccess && !RunStatus.failed.isSuccess)
    }
}

struct RunIDTests {
    @Test func idsFromOneGeneratorStrictlyIncreaseEvenWithinAMillisecond() {
        let generator = RunIDGenerator(random: SeededRandomNumberGenerator(seed: 3))
        let instant = Date(timeIntervalSince1970: 1_795_000_000)
        var previous = generator.next(at: instant)
        for step in 0..<10_000 {
            let next = generator.next(at: instant.addingTimeInterval(step % 3 == 0 ? 0.001 : 0))
            #expect(previous < next)
            previous = next
        }
    }

    @Test func encodesItsCreationTime() throws {
        let instant = Date(timeIntervalSince1970: 1_795_000_000.456)
        let id = RunIDGenerator().next(at: instant)
        #expect(id.timestamp == instant)
        #expect(try RunID(id.rawValue) == id)
        #expect(throws: RunIDError.self) { try RunID("not-a-run-id") }
        #expect(throws: RunIDError.self) { try RunID(String(repeating: "I", count: 26)) }
    }
}

struct BusinessDateTests {
    @Test func parsesAndValidates() throws {
        #expect(try BusinessDate("2024-02-29").description == "2024-02-29")
        #expect(throws: BusinessDateError.self) { try BusinessDate("2100-02-29") }
        #expect(throws: BusinessDateError.self) { try BusinessDate("2026-1-01") }
        #expect(throws: BusinessDateError.self) { try BusinessDate("yesterday") }
        #expect(try BusinessDate("2024-02-28").adding(days: 2).description == "2024-03-01")
    }
}

struct RetryPolicyTests {
    @Test func delaysGrowExponentiallyUpToTheCap() {
        let policy = RetryPolicy(
            maximumRetries: 5, initialDelay: .seconds(10), multiplier: 3, maximumDelay: .seconds(100), jitter: 0)
        #expect(
            (1...5).map { policy.baseDelay(forRetry: $0) } == [
                .seconds(10), .seconds(30), .seconds(90), .seconds(100), .seconds(100),
            ])
        #expect(policy.retries(.transient) && policy.retries(.rateLimited) && !policy.retries(.permanent))
    }

    @Test func jitterOnlyShortensAndIsReproducible() {
        let policy = RetryPolicy(initialDelay: .seconds(60), jitter: 0.5)
        var first = SeededRandomNumberGenerator(seed: 9)
        var second = SeededRandomNumberGenerator(seed: 9)
        for retry in 1...3 {
            let delay = policy.delay(forRetry: retry, using: &first)
            #expect(delay == policy.delay(forRetry: retry, using: &second))
            #expect(delay <= policy.baseDelay(forRetry: retry) && delay >= policy.baseDelay(forRetry: retry) / 2)
        }
    }
}

struct LogExcerptTests {
    @Test func keepsTheFirstAndLastLines() {
        let excerpt = LogExcerpt(headLimit: 2, tailLimit: 2, lineLimit: 5)
        for index in 1...10 { excerpt.append("line\(index)") }
        #expect(excerpt.lines == ["line1", "line2", "… 6 line(s) omitted …", "line9", "line1…"])
    }
}
