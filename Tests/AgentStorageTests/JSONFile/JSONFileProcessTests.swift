import AgentCore
import Foundation
import ProcessTestSupport
import Testing

@testable import AgentStorage

/// Several real processes on one store: `agent-test-tool store-torture` children killed with SIGKILL at
/// seeded random moments, and children contending for the same idempotency keys.
@Suite(.serialized)
struct JSONFileProcessTests {
    /// Starts `agent-test-tool store-torture` with these arguments.
    static func torture(_ arguments: [String], standardInput: Bool = false) throws -> TestProcess {
        try TestProcess(
            executable: TestExecutable.locate("agent-test-tool"), arguments: ["store-torture"] + arguments,
            standardInput: standardInput)
    }

    @Test func killingAWriterAtRandomMomentsLosesNoAcknowledgedRecord() async throws {
        let directory = TemporaryDirectory("torture")
        var random = SeededRandomNumberGenerator(seed: 2026)
        var acknowledged: [RunID: Int] = [:]
        for iteration in 0..<8 {
            let tears = iteration == 3
            let killAfter = Int.random(in: 1...400, using: &random)
            var arguments = ["write", directory.path, "--writers", "4", "--compaction-threshold", "32768"]
            if tears { arguments += ["--tear-after", "\(killAfter)"] }
            let child = try Self.torture(arguments)
            defer { child.kill() }
            var seen = 0
            var torn = false
            while let line = try await child.nextLine("an acknowledged insert") {
                if line == "torn" {
                    torn = true
                    break
                }
                try Self.acknowledge(line, into: &acknowledged)
                seen += 1
                if !tears, seen >= killAfter { break }
            }
            child.kill()
            // Lines written before the kill are acknowledged changes too.
            for line in try await child.remainingLines() where line != "torn" {
                try Self.acknowledge(line, into: &acknowledged)
            }
            let exit = try await child.waitForExit()
            #expect(!tears || torn, "the child did not tear the journal: \(exit.err)")

            let store = try await JSONFileAgentStore.open(
                directory: directory.url, clock: SystemClock(), options: .init(automaticCompaction: false))
            let report = store.recoveryReport
            if tears { #expect(report.tornTails.count == 1, "iteration \(iteration): \(report)") }
            #expect(report.corruptLines.isEmpty, "iteration \(iteration): \(report)")
            for (id, sequence) in acknowledged {
                let record = try #require(
                    try await store.run(id: id), "acknowledged run \(id) (#\(sequence)) is missing")
                #expect(record.parameters["seq"] == .integer(Int64(sequence)))
                #expect(record.parameters["pad"] == .string(String(repeating: "abcdefghij", count: sequence % 30)))
                #expect(record.summary == "sequence \(sequence)")
                #expect(record.status == .succeeded)
            }
            // The store keeps working after every crash.
            let probe = try RecordFactory(clock: ManualClock(), seed: UInt64(iteration)).record(agent: "probe")
            try await store.insertRun(probe)
            #expect(try await store.run(id: probe.id) == probe)
        }
        #expect(acknowledged.count >= 8)
    }

    private static func acknowledge(_ line: String, into acknowledged: inout [RunID: Int]) throws {
        let fields = line.split(separator: " ")
        guard fields.count == 3, fields[0] == "ack", let sequence = Int(fields[2]) else {
            throw TestProcess.Failure("unexpected line from the child: \(line)")
        }
        acknowledged[try RunID(String(fields[1]))] = sequence
    }

    @Test(arguments: [2, 4])
    func processesClaimingTheSameKeysGetOneWinnerPerKeyAndLoseNoUpdate(processes: Int) async throws {
        let directory = TemporaryDirectory("claims")
        let keys = 120
        let children = try (0..<processes).map { index in
            // Pairs share a key order, so they race for the same key at the same moment.
            try Self.torture(
                [
                    "claim", directory.path, "--owner", "p\(index)", "--keys", "\(keys)", "--leases", "15", "--seed",
                    "\(index % 2 + 1)",
                ], standardInput: true)
        }
        defer { for child in children { child.kill() } }
        for child in children { #expect(try await child.nextLine("ready") == "ready") }
        for child in children { try child.write("go\n") }
        var claimed: [String: (owner: Int, id: String)] = [:]
        var done: [String: String] = [:]
        var tokens: [UInt64] = []
        for (owner, child) in children.enumerated() {
            var previousToken: UInt64 = 0
            for line in try await child.remainingLines(timeout: .seconds(60)) {
                let fields = line.split(separator: " ").map(String.init)
                switch fields.first {
                case "claimed":
                    #expect(claimed[fields[1]] == nil, "\(fields[1]) was claimed twice")
                    claimed[fields[1]] = (owner, fields[2])
                case "done":
                    done[fields[1]] = fields[2]
                case "token":
                    let token = try #require(UInt64(fields[1]))
                    #expect(token > previousToken, "fencing tokens of one process must grow")
                    previousToken = token
                    tokens.append(token)
                case "lost":
                    break
                default:
                    Issue.record("unexpected line from p\(owner): \(line)")
                }
            }
            let exit = try await child.waitForExit()
            #expect(exit.status == 0, "p\(owner) failed: \(exit.err)")
        }
        #expect(claimed.count == keys, "\(claimed.count) of \(keys) keys were claimed")
        // Every acquisition of the free lease, in whichever process, took the next fencing token: no token
        // was handed out twice and none was skipped.
        #expect(!tokens.isEmpty)
        #expect(tokens.sorted() == Array(1...UInt64(tokens.count)), "fencing tokens: \(tokens.sorted())")

        let store = try await JSONFileAgentStore.open(directory: directory.url, clock: SystemClock())
        #expect(store.runCount == keys)
        for (key, winner) in claimed {
            #expect(done[key] == winner.id, "the winner of \(key) did not finish it")
            let runs = try await store.queryRuns(RunQuery(idempotencyKey: try IdempotencyKey(key))).records
            #expect(runs.count == 1)
            #expect(runs.first?.id.rawValue == winner.id)
            #expect(runs.first?.status == .succeeded, "an update of \(key) was lost")
            #expect(runs.first?.summary == "done by p\(winner.owner)")
        }
    }
}
