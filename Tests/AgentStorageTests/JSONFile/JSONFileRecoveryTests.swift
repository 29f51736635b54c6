import AgentCore
import Foundation
import Testing

@testable import AgentStorage

struct JSONFileRecoveryTests {
    private func seed(_ directory: TemporaryDirectory, clock: ManualClock, count: Int) async throws -> [RunRecord] {
        let store = try await JSONFileAgentStore.testStore(directory, clock: clock)
        let factory = RecordFactory(clock: clock)
        var records: [RunRecord] = []
        for index in 0..<count {
            let record = try factory.record(status: .succeeded, parameters: ["n": .integer(Int64(index))])
            try await store.insertRun(record)
            records.append(record)
        }
        return records
    }

    private func quarantineLines(_ directory: TemporaryDirectory) throws -> [[String: Any]] {
        try directory.text("quarantine.jsonl").split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test func aTornTailIsCutReportedAndQuarantined() async throws {
        let directory = TemporaryDirectory()
        let clock = ManualClock()
        let records = try await seed(directory, clock: clock, count: 3)
        let intact = try directory.bytes("journal.jsonl")
        let torn = Array(#"{"op":"run","run":{"schemaVersion":1,"id":"01KD"#.utf8)
        try directory.append("journal.jsonl", torn)

        let store = try await JSONFileAgentStore.testStore(directory, clock: clock)
        let report = store.recoveryReport
        #expect(report.tornTails.count == 1)
        #expect(report.tornTails.first?.byteCount == torn.count)
        #expect(report.tornTails.first?.offset == Int64(intact.count))
        #expect(report.corruptLines.isEmpty)
        #expect(report.description.contains("incomplete last line"))
        #expect(try directory.bytes("journal.jsonl") == intact)
        let quarantined = try quarantineLines(directory)
        #expect(quarantined.count == 1)
        #expect((quarantined.first?["base64"] as? String).flatMap { Data(base64Encoded: $0) } == Data(torn))
        #expect(try await store.queryRuns(RunQuery()).records == records.reversed())

        // The store keeps working, and the next open is clean.
        let next = try RecordFactory(clock: clock, seed: 8).record(agent: "beta")
        try await store.insertRun(next)
        let reopened = try await JSONFileAgentStore.testStore(directory, clock: clock)
        #expect(reopened.recoveryReport.isClean)
        #expect(try await reopened.run(id: next.id) == next)
    }

    @Test func aTornTailLeftByAnotherProcessIsCutBeforeTheNextWrite() async throws {
        let directory = TemporaryDirectory()
        let clock = ManualClock()
        let store = try await JSONFileAgentStore.testStore(directory, clock: clock)
        let factory = RecordFactory(clock: clock)
        try await store.insertRun(try factory.record())
        try directory.append("journal.jsonl", Array(#"{"op":"sched"#.utf8))
        let record = try factory.record(agent: "beta")
        try await store.insertRun(record)
        #expect(store.recoveryReport.tornTails.count == 1)
        let reopened = try await JSONFileAgentStore.testStore(directory, clock: clock)
        #expect(reopened.recoveryReport.isClean)
        #expect(try await reopened.run(id: record.id) == record)
    }

    @Test func aCorruptMiddleLineIsSkippedReportedWithItsLineNumberAndQuarantined() async throws {
        let directory = TemporaryDirectory()
        let clock = ManualClock()
        let records = try await seed(directory, clock: clock, count: 3)
        var lines = try directory.text("journal.jsonl").split(separator: "\n", omittingEmptySubsequences: false)
            .map(String.init)
        let original = lines[2]
        lines[2] = original.replacingOccurrences(of: "\"status\":\"succeeded\"", with: "\"status\":succ#eeded\"")
        try directory.write("journal.jsonl", lines.joined(separator: "\n"))
        let damaged = try directory.bytes("journal.jsonl")

        for _ in 0..<2 {
            let store = try await JSONFileAgentStore.testStore(directory, clock: clock)
            let report = store.recoveryReport
            #expect(report.corruptLines.map(\.lineNumber) == [3])
            #expect(report.corruptLines.first?.path.hasSuffix("journal.jsonl") == true)
            #expect(report.description.contains("skipped line 3 of"))
            #expect(report.tornTails.isEmpty)
            #expect(try await store.queryRuns(RunQuery()).records.map(\.id) == [records[2].id, records[0].id])
            #expect(try directory.bytes("journal.jsonl") == damaged, "a corrupt line must never be rewritten")
            let quarantined = try quarantineLines(directory)
            #expect(quarantined.count == 1, "each corrupt line is quarantined once")
            #expect(quarantined.first?["line"] as? Int == 3)
            #expect(quarantined.first?["text"] as? String == lines[2])
        }
    }

    @Test func aLeftoverTemporarySnapshotIsIgnoredAndCleanedUp() async throws {
        let directory = TemporaryDirectory()
        let clock = ManualClock()
        let records = try await seed(directory, clock: clock, count: 2)
        try directory.write("snapshot.jsonl.tmp-2147480000-1", "{\"format\":\"agentctl-snapshot\",\"ver")
        let mine = "snapshot.jsonl.tmp-\(getpid())-7"
        try directory.write(mine, "in progress")
        let store = try await JSONFileAgentStore.testStore(directory, clock: clock)
        #expect(try await store.queryRuns(RunQuery()).records == records.reversed())
        #expect(
            store.recoveryReport.removedTemporaryFiles.map { URL(fileURLWithPath: $0).lastPathComponent } == [
                "snapshot.jsonl.tmp-2147480000-1"
            ])
        #expect(store.recoveryReport.ignoredTemporaryFiles.map { URL(fileURLWithPath: $0).lastPathComponent } == [mine])
        #expect(!FileManager.default.fileExists(atPath: directory.file("snapshot.jsonl.tmp-2147480000-1").path))
        #expect(try directory.text(mine) == "in progress")
    }

    private func snapshotOfEveryFile(_ directory: TemporaryDirectory) throws -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) where name != "store.lock" {
            files[name] = try directory.bytes(name)
        }
        return files
    }

    @Test(arguments: ["journal header", "snapshot header", "record schema"])
    func aNewerFormatIsRefusedWithAClearMessageAndLeftByteIdentical(_ place: String) async throws {
        let directory = TemporaryDirectory()
        let clock = ManualClock()
        let store = try await JSONFileAgentStore.testStore(directory, clock: clock)
        let factory = RecordFactory(clock: clock)
        try await store.insertRun(try factory.record(status: .succeeded))
        try await store.compact()
        try await store.insertRun(try factory.record(agent: "beta", status: .succeeded))
        switch place {
        case "journal header":
            let text = try directory.text("journal.jsonl")
            try directory.write("journal.jsonl", text.replacingOccurrences(of: "\"version\":1", with: "\"version\":2"))
        case "snapshot header":
            let text = try directory.text("snapshot.jsonl")
            try directory.write("snapshot.jsonl", text.replacingOccurrences(of: "\"version\":1", with: "\"version\":7"))
        default:
            let text = try directory.text("journal.jsonl")
            try directory.write(
                "journal.jsonl", text.replacingOccurrences(of: "\"schemaVersion\":1", with: "\"schemaVersion\":2"))
        }
        // A torn tail too: refusing must not repair anything either.
        try directory.append("journal.jsonl", Array("{\"op\"".utf8))
        let before = try snapshotOfEveryFile(directory)
        do {
            _ = try await JSONFileAgentStore.testStore(directory, clock: clock)
            Issue.record("a store in a newer format was opened")
        } catch let error as StoreError {
            #expect(error.code == .unsupportedFormatVersion)
            #expect(error.message.contains("Upgrade agentctl"))
            #expect(error.message.contains(directory.path))
        }
        #expect(try snapshotOfEveryFile(directory) == before)
    }

    @Test func aFileThatIsNotAStoreFileIsRefusedUntouched() async throws {
        let directory = TemporaryDirectory()
        try directory.write("journal.jsonl", "hello, world\n")
        await #expect {
            _ = try await JSONFileAgentStore.testStore(directory, clock: ManualClock())
        } throws: { ($0 as? StoreError)?.code == .corruptData }
        #expect(try directory.text("journal.jsonl") == "hello, world\n")
    }

    @Test func anExpiredLeaseIsAbandonedOnOpenForSchedulingAndARenewedOneIsNot() async throws {
        let directory = TemporaryDirectory()
        let clock = ManualClock()
        let factory = RecordFactory(clock: clock)
        let dead = try factory.record(key: "dead")
        let alive = try factory.record(key: "alive")
        do {
            let store = try await JSONFileAgentStore.testStore(directory, clock: clock)
            _ = try await store.claimRun(RunClaim(record: dead, owner: "crashed", leaseDuration: .seconds(10)))
            _ = try await store.claimRun(RunClaim(record: alive, owner: "healthy", leaseDuration: .seconds(10)))
            await clock.advance(by: .seconds(8))
            _ = try await store.renewRunLease(id: alive.id, owner: "healthy", duration: .seconds(10))
            await clock.advance(by: .seconds(5))
        }
        let reader = try await JSONFileAgentStore.testStore(directory, clock: clock)
        #expect(reader.recoveryReport.abandonedRuns.isEmpty, "a plain open must not abandon runs")
        #expect(try await reader.run(id: dead.id)?.status == .queued)

        let scheduler = try await JSONFileAgentStore.testStore(
            directory, clock: clock, options: .init(automaticCompaction: false, abandonsExpiredRunsOnOpen: true))
        #expect(scheduler.recoveryReport.abandonedRuns == [dead.id])
        let abandoned = try #require(try await scheduler.run(id: dead.id))
        #expect(abandoned.status == .abandoned)
        #expect(abandoned.errorClass == .transient)
        #expect(abandoned.errorMessage?.contains("crashed") == true)
        #expect(try await scheduler.run(id: alive.id)?.status == .queued)
        // The reader catches up on the abandonment.
        #expect(try await reader.run(id: dead.id)?.status == .abandoned)
    }
}
