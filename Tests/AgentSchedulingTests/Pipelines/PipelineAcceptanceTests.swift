import AgentCore
import AgentScheduling
import AgentStorage
import Foundation
import Synchronization
import Testing

/// The acceptance checks of staged pipelines (``PipelineAcceptanceSuite``), each on the virtual clock against the
/// in-memory store and the JSON-file store (with a second handle on the same directory, as another process).
struct PipelineAcceptanceTests {
    static let cases: [(WorkflowStoreKind, String)] = WorkflowStoreKind.allCases.flatMap { kind in
        PipelineAcceptanceSuite.checkNames.map { (kind, $0) }
    }

    @Test(arguments: cases)
    func passes(_ kind: WorkflowStoreKind, _ check: String) async throws {
        let directories = DirectoryList()
        defer { directories.removeAll() }
        let passed = try await PipelineAcceptanceSuite.run(
            only: [check],
            makeStore: { clock in
                switch kind {
                case .inMemory:
                    return InMemoryAgentStore(clock: clock)
                case .jsonFile:
                    let directory = try directories.make()
                    return try await JSONFileAgentStore.open(directory: directory, clock: clock)
                }
            },
            makeHandle: { store, clock in
                guard let file = store as? JSONFileAgentStore else { return store }
                return try await JSONFileAgentStore.open(directory: file.directory, clock: clock)
            })
        #expect(passed == [check])
    }
}

/// Temporary store directories, removed at the end of a test.
private final class DirectoryList: Sendable {
    private let made = Mutex<[URL]>([])

    func make() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pipelines-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        made.withLock { $0.append(url) }
        return url
    }

    func removeAll() {
        for url in made.withLock({ $0 }) { try? FileManager.default.removeItem(at: url) }
    }
}
