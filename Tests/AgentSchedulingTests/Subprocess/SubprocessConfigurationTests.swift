import AgentCore
import AgentScheduling
import AgentStorage
import Foundation
import Testing

struct SubprocessConfigurationTests {
    @Test func theTimeoutComesFromTheAgentThenTheEnvironmentThenTheDefault() throws {
        let variable = SubprocessConfiguration.timeoutEnvironmentVariable
        #expect(variable == "AGENTCTL_TIMEOUT_SECONDS")
        #expect(try SubprocessConfiguration.timeout(explicit: nil, environment: [:]) == .seconds(900))
        #expect(try SubprocessConfiguration.timeout(explicit: nil, environment: [variable: "300"]) == .seconds(300))
        #expect(try SubprocessConfiguration.timeout(explicit: nil, environment: [variable: " 2.5 "]) == .seconds(2.5))
        #expect(
            try SubprocessConfiguration.timeout(explicit: .seconds(60), environment: [variable: "300"]) == .seconds(60))
    }

    @Test(arguments: ["abc", "0", "-5", "", "inf"])
    func anInvalidTimeoutVariableIsRejectedWithAHint(text: String) {
        #expect {
            _ = try SubprocessConfiguration.timeout(
                explicit: nil, environment: [SubprocessConfiguration.timeoutEnvironmentVariable: text])
        } throws: { error in
            guard let error = error as? SubprocessError else { return false }
            return error.code == .invalidTimeout && error.message.contains("AGENTCTL_TIMEOUT_SECONDS")
        }
    }

    @Test func invalidValuesAreRejected() throws {
        let root = URL(fileURLWithPath: "/tmp")
        let cases: [SubprocessConfiguration] = [
            SubprocessConfiguration(executable: "", logRoot: root),
            SubprocessConfiguration(executable: "/bin/true", arguments: ["a\0b"], logRoot: root),
            SubprocessConfiguration(executable: "/bin/true", maximumOutputBytes: 0, logRoot: root),
            SubprocessConfiguration(
                executable: "/bin/true", environment: .init(overrides: ["A=B": "x"]), logRoot: root),
            SubprocessConfiguration(executable: "/bin/true", timeout: .zero, logRoot: root),
            SubprocessConfiguration(executable: "/bin/true", logRoot: root, excerptHeadLines: 30, excerptTailLines: 30),
        ]
        for configuration in cases {
            #expect(throws: SubprocessError.self) { try configuration.validate() }
        }
    }

    @Test func thePolicyTakesTheTimeoutAndLeavesRoomForTheTeardown() throws {
        let configuration = SubprocessConfiguration(
            executable: "/bin/true", timeout: .seconds(42), terminationGracePeriod: .seconds(20),
            logRoot: URL(fileURLWithPath: "/tmp"))
        let agent = try SubprocessAgent(
            name: "policy", configuration: configuration, parentEnvironment: [:],
            policy: RunPolicy(timeout: .seconds(5), cancellationGracePeriod: .seconds(10), priority: .high))
        #expect(agent.policy.timeout == .seconds(42))
        #expect(agent.policy.cancellationGracePeriod == .seconds(22))
        #expect(agent.policy.priority == .high)
        #expect(agent.terminationGracePeriod == .seconds(20))

        var defaults = configuration
        defaults.terminationGracePeriod = nil
        let halved = try SubprocessAgent(name: "policy", configuration: defaults, parentEnvironment: [:])
        #expect(halved.terminationGracePeriod == .seconds(5))
        #expect(halved.policy.cancellationGracePeriod == .seconds(10))
    }

    @Test func theFinalizerStoresTheTerminalRecordInTheMetadata() async throws {
        let harness = try SubprocessHarness()
        let agent = try harness.agent(harness.configuration("echo fine"))
        let orchestration = SubprocessOrchestration()
        let record = try await orchestration.execute(agent)
        #expect(try agent.logDirectory(for: record.id).readMetadata().recordIsFinal == false)
        let finalizer = RunLogFinalizer(store: orchestration.store, agents: [agent])
        #expect(try await finalizer.write(record))
        let metadata = try agent.logDirectory(for: record.id).readMetadata()
        #expect(metadata.recordIsFinal)
        #expect(metadata.record == record)
        #expect(metadata.process?.exitStatus == 0)
        let summary = try String(contentsOf: agent.logDirectory(for: record.id).summaryURL, encoding: .utf8)
        #expect(summary.contains("final (as stored)"))
    }

    @Test func aFinalRecordIsNeitherReplacedByTheAgentsViewNorLosesItsNotificationTime() async throws {
        let harness = try SubprocessHarness()
        let agent = try harness.agent(harness.configuration("echo fine"))
        let orchestration = SubprocessOrchestration()
        let record = try await orchestration.execute(agent)
        let directory = agent.logDirectory(for: record.id)
        var notified = record
        notified.notifiedAt = Timestamp.roundedToMilliseconds(Date())
        #expect(try await directory.writeMetadata(notified))
        #expect(try await directory.writeMetadata(record))
        #expect(try directory.readMetadata().record.notifiedAt == notified.notifiedAt)

        var running = record
        running.status = .running
        #expect(try await directory.writeMetadata(running) == false, "a non-terminal record is not final")
        #expect(try directory.readMetadata().record.status == .succeeded)
        #expect(
            try await RunLogDirectory(root: harness.logs.url, agent: "elsewhere", runID: record.id)
                .writeMetadata(record) == false, "no directory, nothing written")
    }
}
