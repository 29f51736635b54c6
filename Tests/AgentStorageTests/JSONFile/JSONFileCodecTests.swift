import AgentCore
import Foundation
import Testing

@testable import AgentStorage

struct JSONFileCodecTests {
    static func richRecord() throws -> RunRecord {
        let clock = ManualClock(start: Date(timeIntervalSince1970: 1_767_225_600.123))
        let factory = RecordFactory(clock: clock)
        var record = try factory.record(
            agent: "nightly.report_v2",
            key: "key with \"quotes\", \\ backslash, / slash and é ü 🚀",
            status: .failed,
            parameters: [
                "int": 9_007_199_254_740_993, "negative": -42, "double": 0.1, "exponent": 1.5e-7, "big": 1e300,
                "text": "line\nbreak \u{01} control \u{2028} separator", "flag": true, "none": nil,
                "list": [1, "two", [3.5], ["k": "v"]], "nested": ["deeper": ["deepest": []]],
            ])
        record.trigger = .retry(of: record.id, attempt: 3)
        record.attempt = 3
        record.firstRunID = record.id
        record.businessDate = try BusinessDate("2026-02-28")
        record.startedAt = Date(timeIntervalSince1970: 1_767_225_601.5)
        record.endedAt = Date(timeIntervalSince1970: 1_767_225_612.25)
        record.summary = "ran 3 steps; 1 failed"
        record.counters = ["rows": 12, "errors": -1, "huge": Int64.max]
        record.artifacts = [RunArtifact(name: "report", uri: "file:///tmp/r,1.csv")]
        record.warnings = ["slow", ""]
        record.outputsURI = "s3://bucket/path"
        record.errorClass = .rateLimited
        record.errorMessage = "429: retry after 30 s"
        record.logExcerpt = ["first", "…", "last"]
        record.leaseOwner = "host-1:4242"
        record.leaseExpiresAt = Date(timeIntervalSince1970: 1_767_225_660)
        record.notifiedAt = Date(timeIntervalSince1970: 1_767_225_700.999)
        return record
    }

    static func encode(_ record: RunRecord) throws -> [UInt8] {
        var writer = JSONByteWriter()
        try RunRecordCodec.encode(record, into: &writer)
        return writer.bytes
    }

    static func decode(_ bytes: [UInt8]) throws -> RunRecord {
        try bytes.withUnsafeBufferPointer { buffer in
            var scanner = JSONScanner(buffer)
            return try RunRecordCodec.decode(&scanner)
        }
    }

    @Test func aRecordRoundTripsThroughTheFastCodec() throws {
        let record = try Self.richRecord()
        #expect(try Self.decode(Self.encode(record)) == record)
    }

    @Test func foundationDecodesWhatTheFastEncoderWrites() throws {
        let record = try Self.richRecord()
        let decoded = try JSONDecoder().decode(RunRecord.self, from: Data(Self.encode(record)))
        #expect(decoded == record)
    }

    @Test func theFastDecoderReadsWhatFoundationWrites() throws {
        let record = try Self.richRecord()
        for formatting: JSONEncoder.OutputFormatting in [[], [.prettyPrinted], [.sortedKeys, .withoutEscapingSlashes]] {
            let encoder = JSONEncoder()
            encoder.outputFormatting = formatting
            #expect(try Self.decode(Array(encoder.encode(record))) == record)
        }
    }

    @Test func aSimpleRecordEncodesLikeFoundationFieldForField() throws {
        let record = try RecordFactory(clock: ManualClock()).record(status: .succeeded)
        let ours = try JSONSerialization.jsonObject(with: Data(Self.encode(record))) as? NSDictionary
        let theirs = try JSONSerialization.jsonObject(with: JSONEncoder().encode(record)) as? NSDictionary
        #expect(ours != nil)
        #expect(ours == theirs)
    }

    @Test func theSummaryHoldsTheIndexFields() throws {
        let record = try Self.richRecord()
        let summary = try Self.encode(record).withUnsafeBufferPointer { buffer in
            var scanner = JSONScanner(buffer)
            return try RunRecordCodec.summary(&scanner)
        }
        #expect(summary.id == record.id)
        #expect(summary.agent == record.agentName.rawValue)
        #expect(summary.status == record.status)
        #expect(summary.queuedAt == Timestamp.milliseconds(record.queuedAt))
        #expect(summary.keyHash == RunRecordCodec.keyHash(record.idempotencyKey.rawValue))
    }

    @Test(arguments: [
        ("{\"schemaVersion\":1", "unterminated"),
        ("{\"schemaVersion\":1,\"id\":\"not-an-id\"}", "not a run id"),
        ("[1,2]", "expected '{'"),
        ("{\"schemaVersion\":1,\"status\":\"exploded\"}", "unknown run status"),
        ("{\"schemaVersion\":1,\"queuedAt\":\"yesterday\"}", "not an ISO-8601 timestamp"),
        ("{\"schemaVersion\":1,\"agent\":\"a\u{01}\"}", "control character"),
        ("{\"schemaVersion\":1,\"agent\":\"\\ud800\"}", "surrogate"),
    ])
    func malformedRecordsAreRejectedWithTheirProblem(_ text: String, _ problem: String) throws {
        do {
            _ = try Self.decode(Array(text.utf8))
            Issue.record("\(text) was accepted")
        } catch let error as JSONScanError {
            #expect(error.message.contains(problem), "\(error)")
        }
    }

    @Test func aNewerSchemaVersionIsReportedAsSuch() throws {
        var bytes = try Self.encode(Self.richRecord())
        bytes.replaceSubrange(0..<18, with: Array("{\"schemaVersion\":9".utf8))
        do {
            _ = try Self.decode(bytes)
            Issue.record("a newer schema was accepted")
        } catch let error as JSONScanError {
            #expect(error.unsupportedVersion == 9)
        }
    }

    @Test func packedRunIDsRoundTripAndSortLikeTheirText() throws {
        var random = SeededRandomNumberGenerator(seed: 3)
        let generator = RunIDGenerator(random: SeededRandomNumberGenerator(seed: 4))
        var ids: [RunID] = []
        for _ in 0..<500 {
            ids.append(
                generator.next(
                    at: Date(timeIntervalSince1970: Double(UInt32.random(in: 0...UInt32.max, using: &random)))))
        }
        ids.append(try RunID("7ZZZZZZZZZZZZZZZZZZZZZZZZZ"))
        ids.append(try RunID("00000000000000000000000000"))
        for id in ids {
            #expect(try RunID(id.rawValue) == id)
            #expect(id.milliseconds == Timestamp.milliseconds(id.timestamp))
        }
        #expect(ids.sorted().map(\.rawValue) == ids.map(\.rawValue).sorted())
    }

    @Test func everyJournalEntryRoundTrips() throws {
        let record = try Self.richRecord()
        let at = Date(timeIntervalSince1970: 1_767_225_600.125)
        var request = ControlRequest(
            id: "01JREQUEST", action: .run(request: record.request), requestedBy: "person \"quoted\"\nnext line")
        request.requestedAt = at
        var completed = ControlRequest(
            id: "01JCANCEL", action: .cancel(runID: record.id, reason: "wrong input ✓"), requestedBy: "agentctl")
        completed.requestedAt = at
        completed.state = .completed
        completed.takenBy = "runner-1"
        completed.takenAt = at.addingTimeInterval(1)
        completed.completedAt = at.addingTimeInterval(2)
        completed.runID = record.id
        completed.runStatus = .cancelled
        completed.outcome = "cancelled"
        var presence = RunnerPresence(id: "runner-1", host: "host/a", processID: 4242, agents: ["alpha"], role: "test")
        presence.startedAt = at
        presence.lastHeartbeatAt = at.addingTimeInterval(5)
        presence.expiresAt = at.addingTimeInterval(15)
        let entries: [JournalEntry] = [
            .run(record), .runsRemoved([record.id]),
            .lease(Lease(name: "sched\"uler", owner: "o", expiresAt: Date(timeIntervalSince1970: 5), fencingToken: 9)),
            .leaseReleased(name: "scheduler", fencingToken: UInt64.max),
            .schedule(
                ScheduleState(
                    agentName: "alpha", nextFireAt: Date(timeIntervalSince1970: 60), isPaused: true, pausedReason: "x",
                    consecutiveFailures: 4)),
            .schedule(ScheduleState(agentName: "beta", version: 12)),
            .scheduleRemoved("alpha"),
            .request(request),
            .request(completed),
            .presence(presence),
            .presenceRemoved(id: "runner \"one\"\n"),
        ]
        for entry in entries {
            var writer = JSONByteWriter()
            try entry.encode(into: &writer)
            #expect(writer.bytes.last == 0x0A)
            let line = Array(writer.bytes.dropLast())
            #expect((try? JSONSerialization.jsonObject(with: Data(line))) != nil, "not JSON: \(entry)")
            let parsed = try line.withUnsafeBufferPointer { try ParsedEntry.parse($0, decodeRecord: .always) }
            switch (entry, parsed) {
            case (.run(let expected), .run(_, _, let decoded)): #expect(decoded?.record == expected)
            case (.runsRemoved(let expected), .runsRemoved(let ids)): #expect(ids == expected.map { $0 })
            case (.lease(let expected), .lease(let lease)): #expect(lease == expected)
            case (.leaseReleased(let name, let token), .leaseReleased(let parsedName, let parsedToken)):
                #expect(name == parsedName && token == parsedToken)
            case (.schedule(let expected), .schedule(let state, let versioned)):
                #expect(state == expected && versioned)
            case (.request(let expected), .request(let request)): #expect(request == expected)
            case (.presence(let expected), .presence(let presence)): #expect(presence == expected)
            case (.presenceRemoved(let expected), .presenceRemoved(let id)): #expect(id == expected)
            case (.scheduleRemoved(let expected), .scheduleRemoved(let agent)): #expect(agent == expected)
            default: Issue.record("\(entry) parsed as \(parsed)")
            }
        }
    }

    @Test func headersRefuseNewerVersionsBeforeAnythingElse() throws {
        let line = Array(#"{"format":"something-else","version":2}"#.utf8)
        #expect {
            try StoreFileHeader.parse(line, expecting: .journal, path: "/x/journal.jsonl")
        } throws: { ($0 as? StoreError)?.code == .unsupportedFormatVersion }
        let header = StoreFileHeader(
            kind: .snapshot, generation: 3, journalGeneration: 2, journalOffset: 99,
            createdAt: Date(timeIntervalSince1970: 1),
            counts: .init(runs: 1, leases: 2, schedules: 3))
        let parsed = try StoreFileHeader.parse(Array(header.encoded().dropLast()), expecting: .snapshot, path: "s")
        #expect(parsed == header)
    }
}
