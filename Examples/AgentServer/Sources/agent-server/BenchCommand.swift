import AgentCore
import AgentScheduling
import AgentServerKit
import AgentStorage
import ArgumentParser
import Foundation
import HTTPTypes
import Hummingbird

/// `agent-server bench`: the runs list under load beside a plain Hummingbird route, and live-event latency.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure GET /api/v1/agents/runs?limit=50 and event latency (build with -c release).",
        discussion: """
            Serves the store at --store (make one with 'agentctl bench store --records 1000000 --directory DIR
            --keep', or run Examples/AgentServer/bench/run-bench, which does both) with no agents, beside a plain
            Hummingbird hello-world route on another port of the same process. wrk (Debian's) measures both with
            the same connections and duration, one after the other, in --rounds rounds: the hello route is the
            ceiling, and the round with the median ratio is reported (the machine's speed drifts between
            measurements; alternating them and taking the median keeps the ratio from following the drift).
            Then N WebSocket clients connect to /api/v1/events and the runner emits runStarted events; every
            delivery's latency (emit to receipt) is measured, first with 1 client (the baseline), then with N.
            Targets: runs list >= 50% of the ceiling's requests/s and >= 5,000 requests/s, p99 <= 20 ms; event
            p99 <= 50 ms with 100 clients.
            """)

    @Option(help: "The store directory with the runs to list.")
    var store: String

    @Option(help: "wrk connections.")
    var connections = 32

    @Option(help: "Seconds per wrk measurement.")
    var seconds = 5

    @Option(help: "Rounds of (hello-world, runs list) measurements; the round with the median ratio is reported.")
    var rounds = 3

    @Option(help: "WebSocket clients.")
    var clients = 100

    @Option(help: "Events emitted to the WebSocket clients.")
    var events = 200

    @Flag(help: "Print the report as JSON.")
    var json = false

    struct Report: Encodable {
        var benchmark = "agent-server"
        var runs: Int
        var helloWorld: WrkMeasurement
        var runsList: WrkMeasurement
        var ratioToCeiling: Double
        /// The ratio of every round, in the order measured.
        var roundRatios: [Double]
        var eventsBaseline: EventLatencyBenchmark.Result
        var events: EventLatencyBenchmark.Result
        var targetsMet: Bool
    }

    func run() async throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent(
            "agent-server-bench-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        let file = home.appendingPathComponent("agentctl.json")
        let storePath = URL(fileURLWithPath: store).standardizedFileURL.path
        let text = #"{"store": \#(JSONValue.string(storePath).canonicalText), "agents": []}"#
        try Data(text.utf8).write(to: file)
        let options = try ServerOptions(
            configuration: RunnerConfiguration.load(from: file), listen: ListenAddress(host: "127.0.0.1", port: 0))
        let server = try await AgentServer.open(options)
        let runs = (server.gateway.store as? JSONFileAgentStore)?.runCount ?? 0
        log("store: \(runs) runs at \(storePath)")
        let (apiPorts, apiBound) = AsyncStream.makeStream(of: Int.self, bufferingPolicy: .bufferingNewest(1))
        let serving = Task { try await server.run { apiBound.yield($0) } }
        let (helloPorts, helloBound) = AsyncStream.makeStream(of: Int.self, bufferingPolicy: .bufferingNewest(1))
        let hello = Router()
        hello.get("hello") { _, _ in "Hello, world!" }
        let helloApplication = Application(
            router: hello, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { helloBound.yield($0.localAddress?.port ?? 0) })
        let helloServing = Task { try await helloApplication.run() }
        defer {
            serving.cancel()
            helloServing.cancel()
        }
        var apiIterator = apiPorts.makeAsyncIterator()
        var helloIterator = helloPorts.makeAsyncIterator()
        guard let apiPort = await apiIterator.next(), let helloPort = await helloIterator.next() else {
            throw BenchError("the servers did not start")
        }
        var measured: [(ceiling: WrkMeasurement, list: WrkMeasurement)] = []
        for round in 1...max(1, rounds) {
            log(
                "round \(round) of \(max(1, rounds)): the hello-world route (ceiling), then "
                    + "GET /api/v1/agents/runs?limit=50, \(seconds) s each with \(connections) connections…")
            let ceiling = try await WrkMeasurement.run(
                url: "http://127.0.0.1:\(helloPort)/hello", connections: connections, seconds: seconds)
            let list = try await WrkMeasurement.run(
                url: "http://127.0.0.1:\(apiPort)/api/v1/agents/runs?limit=50", connections: connections,
                seconds: seconds)
            measured.append((ceiling, list))
        }
        func ratio(_ round: (ceiling: WrkMeasurement, list: WrkMeasurement)) -> Double {
            round.list.requestsPerSecond / max(round.ceiling.requestsPerSecond, 1)
        }
        let (ceiling, list) = measured.sorted { ratio($0) < ratio($1) }[measured.count / 2]
        log("measuring event latency: 1 client, then \(clients)…")
        let latency = EventLatencyBenchmark(gateway: server.gateway, port: apiPort, token: nil)
        let baseline = try await latency.run(clients: 1, events: events, spacing: .milliseconds(5))
        let loaded = try await latency.run(clients: clients, events: events, spacing: .milliseconds(10))
        let median = ratio((ceiling, list))
        let met =
            median >= 0.5 && list.requestsPerSecond >= 5000 && list.p99Milliseconds <= 20 && list.non2xx == 0
            && loaded.p99Milliseconds <= 50 && loaded.received == clients * events
        let report = Report(
            runs: runs, helloWorld: ceiling, runsList: list, ratioToCeiling: median,
            roundRatios: measured.map(ratio), eventsBaseline: baseline,
            events: loaded, targetsMet: met)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(Self.render(report))
        }
        serving.cancel()
        _ = await serving.result
        if !met { throw ExitCode(1) }
    }

    static func render(_ report: Report) -> String {
        func f(_ value: Double) -> String { String(format: "%.2f", value) }
        return """
            agent-server bench (\(report.runs) runs in the store)
              hello-world route (ceiling): \(Int(report.helloWorld.requestsPerSecond)) req/s, p50 \(f(report.helloWorld.p50Milliseconds)) ms, p99 \(f(report.helloWorld.p99Milliseconds)) ms
              GET /api/v1/agents/runs?limit=50: \(Int(report.runsList.requestsPerSecond)) req/s, p50 \(f(report.runsList.p50Milliseconds)) ms, p99 \(f(report.runsList.p99Milliseconds)) ms, non-2xx \(report.runsList.non2xx)
              ratio to ceiling: \(f(report.ratioToCeiling)), the median of \(report.roundRatios.map(f).joined(separator: ", ")) (target >= 0.50; >= 5000 req/s; p99 <= 20 ms)
              events, 1 client (baseline): p50 \(f(report.eventsBaseline.p50Milliseconds)) ms, p99 \(f(report.eventsBaseline.p99Milliseconds)) ms, \(report.eventsBaseline.received)/\(report.eventsBaseline.events) received
              events, \(report.events.clients) clients: p50 \(f(report.events.p50Milliseconds)) ms, p99 \(f(report.events.p99Milliseconds)) ms, max \(f(report.events.maxMilliseconds)) ms, \(report.events.received)/\(report.events.clients * report.events.events) received (target p99 <= 50 ms)
              targets met: \(report.targetsMet ? "yes" : "no")
            """
    }

    private func log(_ message: String) {
        FileHandle.standardError.write(Data("agent-server bench: \(message)\n".utf8))
    }
}
