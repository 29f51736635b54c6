import AgentCore
import AgentScheduling
import AgentStorage
import Foundation
import ProcessTestSupport
import Synchronization
import TestDeadlines

#if canImport(Glibc)
    import Glibc
#endif

/// A directory under the system's temporary directory, removed when the value is released.
final class TemporaryDirectory: Sendable {
    let url: URL

    init(_ label: String = "subprocess") throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("agent-\(label)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// Every regular file below the directory, with its content.
    func allFiles() throws -> [(path: String, content: String)] {
        guard let enumerator = FileManager.default.enumerator(at: url, includingPropertiesForKeys: nil) else {
            return []
        }
        var files: [(String, String)] = []
        for case let file as URL in enumerator {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: file.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files.append((file.path, String(decoding: try Data(contentsOf: file), as: UTF8.self)))
            }
        }
        return files
    }
}

/// Runs subprocess agents directly (without the orchestrator) or through an orchestrator on the real clock.
struct SubprocessHarness {
    let logs: TemporaryDirectory

    init() throws { logs = try TemporaryDirectory() }

    /// A `/bin/sh -c script` configuration logging under this harness. The default timeout is far above what a
    /// test's command takes even with every core busy (a 20 s one was measured running out under such load); the
    /// tests of timeouts pass a short one.
    func configuration(
        _ script: String, timeout: Duration = .seconds(120), patterns: [FailurePattern] = [],
        environment: SubprocessEnvironment = SubprocessEnvironment(), maximumOutputBytes: Int = 1 << 20,
        grace: Duration? = .milliseconds(500)
    ) -> SubprocessConfiguration {
        SubprocessConfiguration(
            executable: "/bin/sh", arguments: ["-c", script], environment: environment, timeout: timeout,
            terminationGracePeriod: grace, maximumOutputBytes: maximumOutputBytes, logRoot: logs.url,
            failurePatterns: patterns)
    }

    func agent(
        _ configuration: SubprocessConfiguration, name: AgentName = "shell", parent: [String: String] = [:]
    ) throws -> SubprocessAgent {
        var environment = parent
        if environment["PATH"] == nil { environment["PATH"] = "/usr/local/bin:/usr/bin:/bin" }
        return try SubprocessAgent(name: name, configuration: configuration, parentEnvironment: environment)
    }

    /// Runs an agent once outside the orchestrator, on the system clock.
    func runDirectly(
        _ agent: SubprocessAgent, runID: RunID = RunIDGenerator().next(at: Date())
    ) async -> (result: Result<AgentRunResult, any Error>, excerpt: [String], runID: RunID) {
        let excerpt = LogExcerpt()
        let clock = SystemClock()
        let request = AgentRunRequest(agent: agent.name)
        let context = AgentRunContext(
            runID: runID, attempt: 1, request: request, clock: clock,
            deadline: clock.now.addingTimeInterval(agent.configuration.timeout.timeInterval), excerpt: excerpt)
        let result: Result<AgentRunResult, any Error>
        do {
            result = .success(try await agent.run(request, context: context))
        } catch {
            result = .failure(error)
        }
        return (result, excerpt.lines, runID)
    }
}

/// An orchestrator on the system clock and an in-memory store, with every event collected.
final class SubprocessOrchestration: Sendable {
    let store: InMemoryAgentStore
    let events = EventBroadcaster()
    let orchestrator: Orchestrator
    private let collected = Mutex<[RunEvent]>([])

    init() {
        let clock = SystemClock()
        store = InMemoryAgentStore(clock: clock)
        orchestrator = Orchestrator(store: store, clock: clock, events: events, owner: "subprocess-tests")
        events.addSink { [weak self] event in self?.collected.withLock { $0.append(event) } }
    }

    var emitted: [RunEvent] { collected.withLock { $0 } }

    func execute(_ agent: SubprocessAgent) async throws -> RunRecord {
        try await orchestrator.execute(AgentRunRequest(agent: agent.name), agent: agent).record
    }
}

/// Waits (on the wall clock, for a real child process) until a file holds a process id; throws
/// ``DeadlineExceeded`` naming the file when none appears in time (a loaded machine can take seconds to start a
/// shell).
func waitForPID(in file: URL, timeout: Duration = .seconds(60)) async throws -> pid_t {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if let text = try? String(contentsOf: file, encoding: .utf8),
            let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines))
        {
            return pid
        }
        try await Task.sleep(for: .milliseconds(20))
    }
    throw DeadlineExceeded(
        what: "a process id in \(file.path)", seconds: Double(timeout.components.seconds))
}

/// Waits (on the wall clock) until a process is gone; `true` if it went within the timeout.
func waitUntilGone(_ pid: pid_t, timeout: Duration = .seconds(3)) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if ProcessLiveness.isGone(pid) { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return ProcessLiveness.isGone(pid)
}
