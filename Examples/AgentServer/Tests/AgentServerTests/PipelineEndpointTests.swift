import AgentCore
import AgentScheduling
import AgentServerKit
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Pipelines: candidates and stage figures in the API and /metrics")
struct PipelineEndpointTests {
    @Test func aCandidateSubmittedToTheStoreIsDrivenAndShowsInTheAPIAndMetrics() async throws {
        try await ServerFixture.with { fixture, client in
            let store = try #require(fixture.server.gateway.store as? any PipelineStore)
            // Submitted as another process would (agentctl candidate submit): the serving runner drives it.
            _ = try await store.submitCandidate(Candidate(id: "v1.4.0", pipeline: "release"))
            try await ServerFixture.deadline("the candidate to complete") {
                while try await store.candidate(id: "v1.4.0")?.state != .completed {
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
            let items = try await client.execute(
                uri: "/api/v1/candidates?pipeline=release", method: .get, headers: ServerFixture.headers(.read)
            ) { response -> [JSONValue] in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                guard case .array(let items)? = try ServerFixture.json(response)["items"] else { return [] }
                return items
            }
            #expect(items.count == 1)
            #expect(items.first?["id"]?.stringValue == "v1.4.0")
            #expect(items.first?["state"]?.stringValue == "completed")
            #expect(items.first?["stageName"]?.stringValue == "build")

            let figures = try await client.execute(
                uri: "/api/v1/pipelines", method: .get, headers: ServerFixture.headers(.read)
            ) { response -> [JSONValue] in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                guard case .array(let items)? = try ServerFixture.json(response)["items"] else { return [] }
                return items
            }
            let build = figures.first {
                $0["pipeline"]?.stringValue == "release" && $0["stage"]?.stringValue == "build"
            }
            #expect(build?["runs"] == .integer(1), "figures: \(figures)")

            let metrics = try await client.execute(
                uri: "/metrics", method: .get, headers: ServerFixture.headers(.read)
            ) { response in String(buffer: response.body) }
            #expect(
                metrics.contains(#"agent_runner_pipeline_stage_runs{pipeline="release",stage="build"} 1"#),
                "\(metrics)")
        }
    }

    @Test func badQueriesAndMissingTokensAreRefused() async throws {
        try await ServerFixture.with { _, client in
            let cases: [(String, HTTPFields, HTTPResponse.Status, String?)] = [
                ("/api/v1/candidates?pipeline=nosuch", ServerFixture.headers(.read), .badRequest, "pipeline"),
                ("/api/v1/candidates?limit=0", ServerFixture.headers(.read), .badRequest, "limit"),
                ("/api/v1/candidates?stage=1", ServerFixture.headers(.read), .badRequest, "stage"),
                ("/api/v1/pipelines?x=1", ServerFixture.headers(.read), .badRequest, "x"),
                ("/api/v1/pipelines", [:], .unauthorized, nil),
                ("/api/v1/candidates", [:], .unauthorized, nil),
            ]
            for (uri, headers, status, field) in cases {
                try await client.execute(uri: uri, method: .get, headers: headers) { response in
                    #expect(response.status == status, "\(uri): \(String(buffer: response.body))")
                    if let field {
                        let error = try ServerFixture.json(response)["error"]?.objectValue
                        #expect(error?["field"]?.stringValue == field, "\(uri): \(String(buffer: response.body))")
                    }
                }
            }
        }
    }
}
