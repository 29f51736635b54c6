import AgentCore
import AgentScheduling
import AgentStorage
import Foundation
import Testing

struct SubprocessSecretTests {
    static let secret = "s3cr3t-Value-4711"
    static let inheritedSecret = "inherited-Secret-0815"

    @Test func aSecretAppearsNowhereInTheLogDirectoryTheRecordOrTheEvents() async throws {
        let harness = try SubprocessHarness()
        var environment = SubprocessEnvironment()
        environment.set("API_TOKEN", to: Self.secret, secret: true)
        environment.secretNames.insert("PARENT_TOKEN")
        let script = """
            echo "token=$API_TOKEN"
            echo "$API_TOKEN and $PARENT_TOKEN" >&2
            printf 's3cr3t-'; sleep 0.2; printf 'Value-4711 split across writes\\n'
            printf '%s' "$API_TOKEN" | tr 'a-z' 'a-z'
            echo
            echo "final: $API_TOKEN" >&2
            exit 1
            """
        let agent = try harness.agent(
            harness.configuration(
                script, patterns: [FailurePattern("token=", class: .permanent)], environment: environment),
            parent: ["PARENT_TOKEN": Self.inheritedSecret])
        #expect(Set(agent.secretValues) == [Self.secret, Self.inheritedSecret])

        let orchestration = SubprocessOrchestration()
        let finalizer = RunLogFinalizer(store: orchestration.store, agents: [agent])
        finalizer.attach(to: orchestration.events)
        let record = try await orchestration.execute(agent)
        await finalizer.drain()

        #expect(record.status == .failed)
        #expect(record.errorClass == .permanent)
        #expect(record.errorMessage?.contains("token=[REDACTED]") == true)
        let stdout = try String(contentsOf: agent.logDirectory(for: record.id).stdoutURL, encoding: .utf8)
        #expect(stdout.contains("token=[REDACTED]"))
        #expect(stdout.contains("[REDACTED] split across writes"))

        let files = try harness.logs.allFiles()
        #expect(files.count == 4)
        for file in files {
            for secret in [Self.secret, Self.inheritedSecret] {
                #expect(!file.content.contains(secret), "\(file.path) contains a secret")
            }
        }
        let stored = try #require(await orchestration.store.run(id: record.id))
        let recordJSON = String(decoding: try JSONEncoder().encode(stored), as: UTF8.self)
        let eventLines = orchestration.emitted.map(\.jsonLine).joined(separator: "\n")
        for secret in [Self.secret, Self.inheritedSecret] {
            #expect(!recordJSON.contains(secret))
            #expect(!eventLines.contains(secret))
        }
        #expect(try agent.logDirectory(for: record.id).readMetadata().recordIsFinal)
    }

    @Test func secretsInTheCommandLineAreRedactedInTheMetadata() async throws {
        let harness = try SubprocessHarness()
        var environment = SubprocessEnvironment()
        environment.set("API_TOKEN", to: Self.secret, secret: true)
        let agent = try harness.agent(harness.configuration("echo done # \(Self.secret)", environment: environment))
        let (result, _, runID) = await harness.runDirectly(agent)
        #expect(try result.get().outcome == .succeeded)
        let metadata = try agent.logDirectory(for: runID).readMetadata()
        #expect(metadata.process?.command.last == "echo done # [REDACTED]")
        #expect(metadata.process?.environmentOverrides["API_TOKEN"] == .some("[REDACTED]"))
        for file in try harness.logs.allFiles() { #expect(!file.content.contains(Self.secret)) }
    }
}
