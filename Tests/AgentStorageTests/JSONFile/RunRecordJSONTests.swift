import AgentCore
import AgentStorage
import Foundation
import Testing

/// ``RunRecordJSON``: the fast run record codec as other stores use it.
struct RunRecordJSONTests {
    @Test func foundationReadsTheTextAndTheCodecReadsItBack() throws {
        let record = try JSONFileCodecTests.richRecord()
        let text = try RunRecordJSON.text(record)
        let foundation = try JSONDecoder().decode(RunRecord.self, from: Data(text.utf8))
        #expect(try RunRecordJSON.record(text) == foundation)
        #expect(foundation.id == record.id && foundation.parameters == record.parameters)
    }

    /// PostgreSQL prints `jsonb` with its members reordered (shorter names first) and a space after each `:`
    /// and `,`; the codec reads that as `JSONDecoder` does.
    @Test(arguments: try recordsOfEveryShape())
    func readsRecordsAsPostgreSQLPrintsThem(_ record: RunRecord) throws {
        let foundationText = String(decoding: try JSONEncoder().encode(record), as: UTF8.self)
        let printed = Self.printedLikeJSONB(try JSONValue.parse(foundationText))
        #expect(printed != foundationText)
        let expected = try JSONDecoder().decode(RunRecord.self, from: Data(printed.utf8))
        #expect(try RunRecordJSON.record(printed) == expected)
        #expect(try RunRecordJSON.record("\n " + printed + " \n") == expected)
    }

    @Test func everyTruncationIsAnErrorNeverACrash() throws {
        let text = try RunRecordJSON.text(try JSONFileCodecTests.richRecord())
        let bytes = Array(text.utf8)
        for length in 0..<bytes.count {
            let prefix = String(decoding: bytes[0..<length], as: UTF8.self)
            #expect(throws: StoreError.self, "the first \(length) bytes were read as a record") {
                try RunRecordJSON.record(prefix)
            }
        }
    }

    @Test func textAfterTheRecordIsRefused() throws {
        let text = try RunRecordJSON.text(try JSONFileCodecTests.richRecord())
        do {
            _ = try RunRecordJSON.record(text + " {}")
            Issue.record("text after the record was accepted")
        } catch {
            #expect(error.code == .corruptData && error.message.contains("after the record"), "\(error)")
        }
    }

    @Test func aNewerSchemaVersionIsReportedAsSuch() throws {
        let text = try RunRecordJSON.text(try JSONFileCodecTests.richRecord())
        let newer = text.replacingOccurrences(of: "\"schemaVersion\":1", with: "\"schemaVersion\":9")
        #expect(newer != text)
        do {
            _ = try RunRecordJSON.record(newer)
            Issue.record("a newer schema was accepted")
        } catch {
            #expect(error.code == .unsupportedFormatVersion, "\(error)")
        }
    }

    static func recordsOfEveryShape() throws -> [RunRecord] {
        let rich = try JSONFileCodecTests.richRecord()
        var plain = RunRecord(
            id: rich.id, request: AgentRunRequest(agent: "plain", correlationID: "c"), status: .running,
            queuedAt: rich.queuedAt)
        plain.leaseOwner = "node"
        var scheduled = rich
        scheduled.trigger = .scheduled(at: rich.queuedAt)
        scheduled.errorClass = nil
        scheduled.status = .succeeded
        var backfill = rich
        backfill.trigger = .backfill(try BusinessDate("2025-12-31"))
        backfill.parameters = .emptyObject
        return [rich, plain, scheduled, backfill]
    }

    /// The text `jsonb` output gives for a value: object members ordered by the length of their name, then its
    /// bytes; `": "` and `", "` as separators.
    static func printedLikeJSONB(_ value: JSONValue) -> String {
        switch value {
        case .array(let elements):
            return "[" + elements.map(printedLikeJSONB).joined(separator: ", ") + "]"
        case .object(let members):
            let names = members.keys.sorted { left, right in
                left.utf8.count != right.utf8.count
                    ? left.utf8.count < right.utf8.count : left.utf8.lexicographicallyPrecedes(right.utf8)
            }
            let printed = names.map { name in
                JSONValue.string(name).canonicalText + ": " + printedLikeJSONB(members[name] ?? .null)
            }
            return "{" + printed.joined(separator: ", ") + "}"
        default:
            return value.canonicalText
        }
    }
}
