import AgentCore
import AgentScheduling
import AgentServerKit
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Agent, scheduler and system endpoints")
struct AgentEndpointTests {
    @Test("GET /agents/health: every agent with its figures and recent runs")
    func health() async throws {
        try await ServerFixture.with { fixture, client in
            let run = try await ServerFixture.trigger("echo", client: client)
            _ = try await fixture.waitForEnd(run.id)
            let body = try await client.execute(
                uri: "/api/v1/agents/health?window=3600", method: .get, headers: ServerFixture.headers(.read)
            ) { response in
                #expect(response.status == .ok)
                return try ServerFixture.json(response)
            }
            guard case .array(let agents)? = body["agents"] else {
                Issue.record("no agents in \(body)")
                return
            }
            #expect(
                agents.compactMap { $0.objectValue?["name"] } == [
                    .string("echo"), .string("proposer"), .string("sleeper"),
                ])
            let echo = agents.first?.objectValue
            #expect(echo?["lastStatus"] == .string("succeeded"))
            #expect(echo?["successRate"] == .double(1) || echo?["successRate"] == .integer(1))
            #expect(echo?["recent"]?.arrayCount == 1)
            for query in ["window=0", "window=abc"] {
                try await client.execute(
                    uri: "/api/v1/agents/health?\(query)", method: .get, headers: ServerFixture.headers(.read)
                ) { #expect($0.status == .badRequest) }
            }
        }
    }

    @Test("GET /scheduler/status: state, queue, running and this runner among the live ones")
    func schedulerStatus() async throws {
        try await ServerFixture.with { fixture, client in
            let body = try await client.execute(
                uri: "/api/v1/scheduler/status", method: .get, headers: ServerFixture.headers(.read)
            ) { try ServerFixture.json($0) }
            #expect(body["queueDepth"] == .integer(0))
            #expect(body["concurrencyLimit"] == .integer(8))
            #expect(body["runnerID"] == .string(fixture.server.gateway.runner.id))
        }
    }

    @Test("pause and resume: written to the store, shown by the schedule; unknown agents 404")
    func pauseResume() async throws {
        try await ServerFixture.with { fixture, client in
            try await client.execute(
                uri: "/api/v1/agents/echo/pause", method: .post, headers: ServerFixture.headers(.operate, json: true),
                body: ByteBuffer(string: #"{"reason": "maintenance"}"#)
            ) { response in
                #expect(response.status == .ok)
                let body = try ServerFixture.json(response)
                #expect(body["paused"] == .bool(true))
                #expect(body["pausedReason"] == .string("maintenance"))
            }
            let stored = try await fixture.server.gateway.store.scheduleState(for: "echo")
            #expect(stored?.isPaused == true)
            try await client.execute(
                uri: "/api/v1/agents/echo/schedule", method: .get, headers: ServerFixture.headers(.read)
            ) { response in
                let body = try ServerFixture.json(response)
                #expect(body["paused"] == .bool(true))
            }
            try await client.execute(
                uri: "/api/v1/agents/echo/resume", method: .post, headers: ServerFixture.headers(.operate)
            ) { response in
                let body = try ServerFixture.json(response)
                #expect(body["paused"] == .bool(false))
            }
            #expect(try await fixture.server.gateway.store.scheduleState(for: "echo")?.isPaused == false)
            for uri in ["/api/v1/agents/nobody/pause", "/api/v1/agents/nobody/resume"] {
                try await client.execute(uri: uri, method: .post, headers: ServerFixture.headers(.operate)) {
                    #expect($0.status == .notFound)
                }
            }
            try await client.execute(
                uri: "/api/v1/agents/nobody/schedule", method: .get, headers: ServerFixture.headers(.read)
            ) { #expect($0.status == .notFound) }
            try await client.execute(
                uri: "/api/v1/agents/echo/pause", method: .post, headers: ServerFixture.headers(.operate, json: true),
                body: ByteBuffer(string: #"{"reason": 5}"#)
            ) { #expect($0.status == .badRequest) }
        }
    }

    @Test("GET /metrics: Prometheus text with runs by agent and status, durations and queue depth")
    func metrics() async throws {
        try await ServerFixture.with { fixture, client in
            _ = try await fixture.triggerAndAwaitEndEvent("echo", client: client)
            for uri in ["/metrics", "/api/v1/metrics"] {
                try await client.execute(uri: uri, method: .get, headers: ServerFixture.headers(.read)) { response in
                    let text = String(buffer: response.body)
                    #expect(response.status == .ok)
                    #expect(text.contains(#"agent_runner_runs_total{agent="echo",status="succeeded"} 1"#))
                    #expect(text.contains("agent_runner_run_duration_seconds_bucket"))
                    #expect(text.contains("agent_runner_queue_depth 0.0"))
                    let states = text.split(whereSeparator: \.isNewline).filter {
                        $0.hasPrefix("agent_runner_scheduler_state{") && $0.hasSuffix("} 1.0")
                    }
                    #expect(states.count == 1, "exactly one scheduler state is current")
                }
            }
        }
    }

    @Test("GET /api/v1/openapi.json: a valid OpenAPI 3.1 document naming every served endpoint")
    func openAPI() async throws {
        try await ServerFixture.with { _, client in
            let document = try await client.execute(uri: "/api/v1/openapi.json", method: .get) {
                try ServerFixture.json($0)
            }
            #expect(document["openapi"] == .string("3.1.0"))
            let agentName = document["components"]?.objectValue?["parameters"]?.objectValue?["agentNamePath"]
            #expect(
                agentName?.objectValue?["schema"]?.objectValue?["enum"]
                    == .array([.string("echo"), .string("proposer"), .string("sleeper")]),
                "the served document names the configured agents")
            let paths = document["paths"]?.objectValue ?? [:]
            for path in [
                "/api/v1/agents/{agentName}/runs", "/api/v1/agents/runs", "/api/v1/agents/runs.csv",
                "/api/v1/runs/{id}",
                "/api/v1/runs/{id}/logs", "/api/v1/runs/{id}/cancel", "/api/v1/agents/health",
                "/api/v1/scheduler/status", "/api/v1/agents/{agentName}/schedule", "/api/v1/agents/{agentName}/pause",
                "/api/v1/agents/{agentName}/resume", "/api/v1/metrics", "/api/v1/approvals",
                "/api/v1/runs/{id}/approve", "/api/v1/runs/{id}/reject",
            ] {
                #expect(paths[path] != nil, "\(path) is not documented")
            }
        }
    }

    @Test("the dashboard is served from the binary and references only its own files")
    func dashboard() async throws {
        try await ServerFixture.with { _, client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .ok)
                let html = String(buffer: response.body)
                #expect(html.contains("/dashboard.js"))
                #expect(html.contains("id=\"approvals\""), "the approvals queue")
                #expect(!html.contains("http://") && !html.contains("https://"))
                #expect(!html.contains("style="), "the Content-Security-Policy refuses inline styles")
            }
            try await client.execute(uri: "/dashboard.js", method: .get) { response in
                let script = String(buffer: response.body)
                // Style attributes are refused by the page's Content-Security-Policy (the sparkline drew nothing
                // when its bars were sized with them); SVG attributes and classes are not.
                #expect(!script.contains("style:") && !script.contains("\"style\""))
                #expect(script.contains("createElementNS(svg, \"rect\")"), "the sparkline's bars")
            }
            for file in ["/dashboard.js", "/dashboard.css"] {
                try await client.execute(uri: file, method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(!String(buffer: response.body).contains("https://"))
                }
            }
        }
    }
}

extension JSONValue {
    /// The element count of an array, or `nil`.
    var arrayCount: Int? {
        if case .array(let elements) = self { return elements.count }
        return nil
    }
}
