import AgentCore
import AgentScheduling
import AgentStorage
import DirectoryStore
import Foundation
import Testing

/// The whole recipe for a third-party store: one call to the public conformance suite.
struct DirectoryStoreConformanceTests {
    @Test func passesTheStoreConformanceSuite() async throws {
        let root = try TemporaryDirectory()
        let passed = try await StoreConformanceSuite.run { clock in
            try DirectoryAgentStore(directory: root.url.appendingPathComponent(UUID().uuidString), clock: clock)
        }
        #expect(passed == StoreConformanceSuite.checkNames)
    }

    @Test func passesTheStoreConformanceSuiteWithAPeer() async throws {
        // The peer is a second store on the same directory, as another process would open it: the atomic
        // updates, requests, change feed and presence checks then run across the two.
        let root = try TemporaryDirectory()
        let passed = try await StoreConformanceSuite.run(
            makeStore: { clock in
                try DirectoryAgentStore(directory: root.url.appendingPathComponent(UUID().uuidString), clock: clock)
            },
            makePeer: { store, clock in
                guard let store = store as? DirectoryAgentStore else { throw StoreError(.unavailable, "not mine") }
                return try DirectoryAgentStore(directory: store.directory, clock: clock)
            })
        #expect(passed == StoreConformanceSuite.checkNames)
    }

    @Test func twoStoresOnOneDirectoryClaimAKeyOnce() async throws {
        // Two instances stand in for two processes: the flock makes the claim atomic between them too.
        let root = try TemporaryDirectory()
        let clock = ManualClock()
        let first = try DirectoryAgentStore(directory: root.url, clock: clock)
        let second = try DirectoryAgentStore(directory: root.url, clock: clock)
        let request = AgentRunRequest(agent: "nightly", parameters: ["day": "2026-01-01"])
        let ids = RunIDGenerator()

        let outcomes = try await withThrowingTaskGroup(of: RunClaimOutcome.self) { group in
            for index in 0..<16 {
                let store = index.isMultiple(of: 2) ? first : second
                let record = RunRecord(
                    id: ids.next(at: clock.now), request: request, status: .queued, queuedAt: clock.now)
                group.addTask {
                    try await store.claimRun(
                        RunClaim(record: record, owner: "owner-\(index)", leaseDuration: .seconds(30)))
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }

        let claimed = outcomes.filter { if case .claimed = $0 { true } else { false } }
        #expect(claimed.count == 1)
        #expect(outcomes.count == 16)
    }

    @Test func theSchedulerRunsOnTheStore() async throws {
        let root = try TemporaryDirectory()
        let clock = ManualClock()
        let store = try DirectoryAgentStore(directory: root.url, clock: clock)
        let agent = ClosureAgent(name: "hello") { _, _ in .succeeded("hi") }
        let scheduler = try AgentScheduler(agents: [agent], store: store, clock: clock)

        let execution = try await scheduler.trigger(agent.name)

        #expect(execution.record.status == .succeeded)
        let onDisk = try await store.run(id: execution.record.id)
        #expect(onDisk?.status == .succeeded)
        #expect(FileManager.default.fileExists(atPath: "\(root.url.path)/runs/\(execution.record.id).json"))
    }
}

/// A fresh directory under the system's temporary directory, removed when the value goes away.
final class TemporaryDirectory: Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("DirectoryStoreTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }
}

/// Plans and approvals: the workflow checks of the conformance suite, across two stores on one directory.
struct DirectoryStoreWorkflowConformanceTests {
    @Test func passesTheWorkflowChecksWithAPeer() async throws {
        let root = try TemporaryDirectory()
        let passed = try await StoreConformanceSuite.runWorkflows(
            makeStore: { clock in
                try DirectoryAgentStore(directory: root.url.appendingPathComponent(UUID().uuidString), clock: clock)
            },
            makePeer: { store, clock in
                guard let store = store as? DirectoryAgentStore else { throw StoreError(.unavailable, "not mine") }
                return try DirectoryAgentStore(directory: store.directory, clock: clock)
            })
        #expect(passed == StoreConformanceSuite.workflowCheckNames)
    }
}
