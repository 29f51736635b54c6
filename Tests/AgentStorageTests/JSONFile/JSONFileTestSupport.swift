import AgentCore
import Foundation
import Synchronization

@testable import AgentStorage

/// A fresh directory under the system's temporary directory, deleted when the value goes away.
final class TemporaryDirectory: Sendable {
    let url: URL
    var path: String { url.path }

    init(_ label: String = "store") {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("agentctl-\(label)-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// A path inside the directory.
    func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    func bytes(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: file(name))) }

    func text(_ name: String) throws -> String { String(decoding: try bytes(name), as: UTF8.self) }

    func write(_ name: String, _ text: String) throws { try Data(text.utf8).write(to: file(name)) }

    func append(_ name: String, _ bytes: [UInt8]) throws {
        let handle = try FileHandle(forWritingTo: file(name))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(bytes))
        try handle.close()
    }
}

/// Makes records with deterministic ids.
struct RecordFactory: Sendable {
    let clock: ManualClock
    let ids: RunIDGenerator

    init(clock: ManualClock, seed: UInt64 = 7) {
        self.clock = clock
        ids = RunIDGenerator(random: SeededRandomNumberGenerator(seed: seed))
    }

    func record(
        agent: AgentName = "alpha", key: String? = nil, status: RunStatus = .queued, parameters: JSONValue = ["n": 1]
    ) throws -> RunRecord {
        let request = AgentRunRequest(
            agent: agent, parameters: parameters, correlationID: "test",
            idempotencyKey: try key.map { try IdempotencyKey($0) })
        var record = RunRecord(id: ids.next(at: clock.now), request: request, status: status, queuedAt: clock.now)
        if status.isTerminal {
            record.startedAt = record.queuedAt
            record.endedAt = record.queuedAt
        }
        return record
    }
}

extension JSONFileAgentStore {
    /// Opens a store for tests (off the cooperative pool, as async code should): no automatic compaction
    /// unless asked, a manual clock.
    static func testStore(
        _ directory: TemporaryDirectory, clock: ManualClock, options: Options = Options(automaticCompaction: false),
        fileSystem: any StoreFileSystem = POSIXFileSystem()
    ) async throws -> JSONFileAgentStore {
        try await open(directory: directory.url, clock: clock, options: options, fileSystem: fileSystem)
    }
}
