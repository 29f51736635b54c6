import AgentCore
import AgentScheduling
import AgentStorage
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `agent-test-tool store-torture`: what the JSON-file store's process tests run as child processes, to
/// kill them with SIGKILL at random moments and to make several processes contend for the same keys.
///
/// It prints one line per acknowledged change, only after the store call returned, so every line the
/// parent reads names a change the store promised to keep.
enum StoreTorture {
    static let name = "store-torture"
    static let summary = "Stress a JSON-file store from a child process"
    static let help = """
        USAGE: agent-test-tool store-torture write <directory> [--writers N] [--count N] [--tear-after N]
                                                               [--compaction-threshold BYTES]
               agent-test-tool store-torture claim <directory> --owner NAME [--keys N] [--leases N] [--seed S]

        write   Inserts run records from N concurrent tasks (default 4) until killed (or N records with
                --count), printing "ack <run id> <sequence>" after each insert returns. Records are
                deterministic from their sequence number (agent torture-<writer>, parameters {"seq", "pad"}).
                --tear-after N: after N acknowledged inserts, append half a journal line under the store
                lock, print "torn", and wait to be killed (a crash in the middle of a write).
                Compaction runs whenever the journal passes BYTES (default 65536).
        claim   Prints "ready" and waits for a line on standard input. Then claims the keys key-0 … key-N-1
                (default 200) in an order shuffled by the seed: for each, "claimed <key> <id>" and, after
                updating the run to running and then succeeded, "done <key> <id>"; or "lost <key> <id>"
                when another run holds the key. Then acquires and releases the lease "shared" N times
                (default 20), printing "token <fencing token>" for each acquisition.

        Exit status: 0 when done, 1 when the store failed, 2 for bad usage.
        """

    static func run(_ arguments: [String], output: ToolOutput) async -> Int32 {
        if arguments.contains("--help") {
            output.print(help)
            return 0
        }
        do {
            let parsed = try ToolArguments(
                arguments,
                options: ["writers", "count", "tear-after", "compaction-threshold", "owner", "keys", "leases", "seed"])
            guard parsed.positionals.count == 2, ["write", "claim"].contains(parsed.positionals[0]) else {
                throw ToolArguments.UsageError(message: "expected 'write <directory>' or 'claim <directory>'")
            }
            let directory = URL(fileURLWithPath: parsed.positionals[1], isDirectory: true)
            if parsed.positionals[0] == "write" {
                try await write(
                    directory: directory, writers: try parsed.integer("writers", default: 4, range: 1...256),
                    count: try parsed.integer("count", default: Int.max, range: 1...Int.max),
                    tearAfter: parsed.value("tear-after") == nil
                        ? nil : try parsed.integer("tear-after", default: 0, range: 0...Int.max),
                    threshold: try parsed.integer("compaction-threshold", default: 65_536, range: 0...Int.max),
                    output: output)
            } else {
                guard let owner = parsed.value("owner") else {
                    throw ToolArguments.UsageError(message: "claim needs --owner")
                }
                try await claim(
                    directory: directory, owner: owner,
                    keys: try parsed.integer("keys", default: 200, range: 1...100_000),
                    leases: try parsed.integer("leases", default: 20, range: 0...100_000),
                    seed: UInt64(try parsed.integer("seed", default: 1, range: 0...Int.max)), output: output)
            }
            return 0
        } catch let error as ToolArguments.UsageError {
            output.printError("agent-test-tool \(name): \(error.message)")
            return 2
        } catch {
            output.printError("agent-test-tool \(name): \(error)")
            return 1
        }
    }

    /// The record with sequence number `sequence`, which the parent re-derives to check it is intact.
    static func record(sequence: Int, writer: Int, id: RunID, at date: Date) throws -> RunRecord {
        let agent = try AgentName("torture-\(writer)")
        let pad = String(repeating: "abcdefghij", count: sequence % 30)
        let request = AgentRunRequest(
            agent: agent, parameters: ["seq": .integer(Int64(sequence)), "pad": .string(pad)],
            correlationID: "torture-\(sequence)")
        var record = RunRecord(id: id, request: request, status: .succeeded, queuedAt: date)
        record.startedAt = record.queuedAt
        record.endedAt = record.queuedAt
        record.summary = "sequence \(sequence)"
        return record
    }

    private static func write(
        directory: URL, writers: Int, count: Int, tearAfter: Int?, threshold: Int, output: ToolOutput
    ) async throws {
        let clock = SystemClock()
        let store = try await JSONFileAgentStore.open(
            directory: directory, clock: clock, options: .init(compactionThreshold: threshold))
        let ids = RunIDGenerator()
        let next = SequenceNumbers()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    while true {
                        let sequence: Int? = next.value.withLock { value in
                            guard value < count, tearAfter.map({ value < $0 }) ?? true else { return nil }
                            defer { value += 1 }
                            return value
                        }
                        guard let sequence else { return }
                        let record = try record(
                            sequence: sequence, writer: writer, id: ids.next(at: clock.now), at: clock.now)
                        try await store.insertRun(record)
                        output.print("ack \(record.id) \(sequence)")
                    }
                }
            }
            try await group.waitForAll()
        }
        guard tearAfter != nil else { return }
        try tearJournal(directory: directory)
        output.print("torn")
        while true { try await clock.sleep(for: .seconds(3600)) }
    }

    /// Appends half of a journal line under the store lock, as a process killed in the middle of its
    /// write would leave it.
    private static func tearJournal(directory: URL) throws {
        let lock = open(directory.appendingPathComponent("store.lock").path, O_RDWR | O_CLOEXEC)
        let journal = open(directory.appendingPathComponent("journal.jsonl").path, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard lock >= 0, journal >= 0, flock(lock, LOCK_EX) == 0 else {
            throw StoreError(.io, "cannot open the store's lock and journal to tear a line: errno \(errno)")
        }
        let half = Array(#"{"op":"run","run":{"schemaVersion":1,"id":"01KDV"#.utf8)
        guard half.withUnsafeBytes({ ProcessLauncher.writeAll(journal, $0) }).error == nil else {
            throw StoreError(.io, "cannot append to the journal: errno \(errno)")
        }
    }

    private static func claim(
        directory: URL, owner: String, keys: Int, leases: Int, seed: UInt64, output: ToolOutput
    ) async throws {
        let clock = SystemClock()
        let store = try await JSONFileAgentStore.open(directory: directory, clock: clock)
        var random = SeededRandomNumberGenerator(seed: seed)
        let ids = RunIDGenerator()
        output.print("ready")
        _ = readLine()
        for index in (0..<keys).shuffled(using: &random) {
            let key = "key-\(index)"
            let request = AgentRunRequest(
                agent: "contended", parameters: ["key": .string(key)], correlationID: owner,
                idempotencyKey: try IdempotencyKey(key))
            let record = RunRecord(id: ids.next(at: clock.now), request: request, queuedAt: clock.now)
            switch try await store.claimRun(RunClaim(record: record, owner: owner, leaseDuration: .seconds(300))) {
            case .claimed(var claimed):
                output.print("claimed \(key) \(claimed.id)")
                claimed.status = .running
                claimed.startedAt = clock.now
                try await store.updateRun(claimed)
                claimed.status = .succeeded
                claimed.endedAt = clock.now
                claimed.summary = "done by \(owner)"
                try await store.updateRun(claimed)
                output.print("done \(key) \(claimed.id)")
            case .inProgress(let other), .duplicate(let other):
                output.print("lost \(key) \(other.id)")
            }
        }
        for _ in 0..<leases {
            guard let lease = try await store.acquireLease(named: "shared", owner: owner, duration: .seconds(300))
            else {
                continue
            }
            output.print("token \(lease.fencingToken)")
            try await store.releaseLease(lease)
        }
    }
}

/// The next sequence number, shared by the writer tasks.
private final class SequenceNumbers: Sendable {
    let value = Mutex(0)
}
