import AgentCore
import Foundation
import ProcessTestSupport
import Testing

/// Staged pipelines through the built `agentctl`: the dry run's exit codes, and candidates changed by several
/// processes at once on one JSON-file store.
struct PipelineEndToEndTests {
    private static func home(gateAgent: String = "gatekeeper") throws -> TestHome {
        try TestHome(
            config: """
                {"store": "state",
                 "agents": [
                   {"name": "researcher", "command": ["true"]},
                   {"name": "backtester", "command": ["true"]},
                   {"name": "gatekeeper", "command": ["true"]}
                 ],
                 "pipelines": [
                   {"name": "quant", "stages": [
                     {"name": "research", "agent": "researcher", "requiredArtifacts": ["spec"]},
                     {"name": "backtest", "agent": "backtester", "requiredArtifacts": ["report"],
                      "gateAgent": "\(gateAgent)", "pauseAfterFailures": 3}
                   ]}
                 ]}
                """)
    }

    @Test func dryRunExitsZeroOnAValidPipelineAndTwoWithTheJSONPathOnABrokenOne() async throws {
        let valid = try Self.home()
        defer { valid.remove() }
        let ok = try await valid.run(["pipeline", "dry-run", "quant", "--json"])
        #expect(ok.status == 0, "\(ok.err)")
        #expect(ok.out.contains("\"completed\":true"))
        #expect(ok.out.contains("\"outcome\":\"promoted\",\"stage\":\"backtest\""))
        let broken = try Self.home(gateAgent: "gatekeper")
        defer { broken.remove() }
        let bad = try await broken.run(["pipeline", "dry-run", "quant"])
        #expect(bad.status == 2)
        #expect(bad.err.contains("pipelines[0].stages[1].gateAgent"))
        let unknown = try await valid.run(["pipeline", "dry-run", "missing"])
        #expect(unknown.status == 2 && unknown.err.contains("no pipeline named \"missing\""))
    }

    @Test func twoProcessesSubmittingAndPromotingTheSameCandidateMakeOnePromotion() async throws {
        let home = try Self.home()
        defer { home.remove() }
        async let first = home.run(["candidate", "submit", "momentum-v7", "--pipeline", "quant"])
        async let second = home.run(["candidate", "submit", "momentum-v7", "--pipeline", "quant"])
        let submits = try await [first, second]
        #expect(submits.allSatisfy { $0.status == 0 }, "\(submits.map(\.err))")
        let refused = try await home.run(["candidate", "promote", "momentum-v7"])
        #expect(refused.status == 2 && refused.err.contains("--as NAME"))
        async let promoteA = home.run(["candidate", "promote", "momentum-v7", "--as", "alice", "--stage", "0"])
        async let promoteB = home.run(["candidate", "promote", "momentum-v7", "--as", "alice", "--stage", "0"])
        let promotes = try await [promoteA, promoteB]
        #expect(promotes.allSatisfy { $0.status == 0 }, "\(promotes.map(\.err))")
        let shown = try await home.run(["candidate", "show", "momentum-v7", "--json"])
        let lines = shown.out.split(separator: "\n")
        #expect(lines.count == 2, "expected the candidate and one promotion: \(shown.out)")
        #expect(lines.first?.contains("\"stage\":1") == true)
        #expect(lines.last?.contains("\"overriddenBy\":\"alice\"") == true)
        let listed = try await home.run(["candidates", "--pipeline", "quant"])
        #expect(listed.status == 0 && listed.out.contains("momentum-v7"))
    }
}
