import AgentCore
import AgentScheduling
import AgentServerKit
import Foundation
import HummingbirdWSClient
import Logging
import Synchronization

/// Event latency: the time from the runner emitting a `runStarted` event to each of N WebSocket clients
/// receiving it, through the server's real path (event hub, WebSocket, loopback TCP).
struct EventLatencyBenchmark {
    struct Result: Encodable {
        var clients: Int
        var events: Int
        var received: Int
        var p50Milliseconds: Double
        var p99Milliseconds: Double
        var maxMilliseconds: Double
    }

    let gateway: RunnerGateway
    let port: Int
    let token: String?

    /// Connects `clients` clients, emits `events` events `spacing` apart, and measures every delivery.
    func run(clients: Int, events: Int, spacing: Duration) async throws -> Result {
        let samples = Samples()
        let hub = gateway.hub
        // The clients of an earlier measurement are gone first (at most 10 s).
        let quietDeadline = ContinuousClock.now + .seconds(10)
        while hub.clientCount > 0, ContinuousClock.now < quietDeadline { try await Task.sleep(for: .milliseconds(10)) }
        let before = hub.clientCount
        let logger = {
            var logger = Logger(label: "bench-client")
            logger.logLevel = .error
            return logger
        }()
        let query = token.map { "?access_token=\($0)" } ?? ""
        let url = "ws://127.0.0.1:\(port)/api/v1/events\(query)"
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<clients {
                group.addTask {
                    try await WebSocketClient.connect(url: url, logger: logger) { inbound, _, _ in
                        for try await message in inbound.messages(maxSize: 1 << 20) {
                            let received = ContinuousClock.now
                            guard case .text(let text) = message, let index = Self.index(in: text),
                                let start = samples.sent.withLock({ $0[index] })
                            else { continue }
                            samples.latencies.withLock { $0.append((received - start).milliseconds) }
                        }
                    }
                }
            }
            // Every client is connected before the first event.
            let connectDeadline = ContinuousClock.now + .seconds(30)
            while hub.clientCount < before + clients {
                guard ContinuousClock.now < connectDeadline else {
                    throw BenchError("only \(hub.clientCount - before) of \(clients) clients connected in 30 s")
                }
                try await Task.sleep(for: .milliseconds(10))
            }
            for index in 0..<events {
                samples.sent.withLock { $0[index] = ContinuousClock.now }
                gateway.runner.events.emit(
                    RunEvent(
                        kind: .runStarted, timestamp: gateway.runner.clock.now, agentName: "bench",
                        message: "bench-event \(index)"))
                try await Task.sleep(for: spacing)
            }
            // Wait (at most 10 s) for the last deliveries, then disconnect everyone.
            let drainDeadline = ContinuousClock.now + .seconds(10)
            while samples.latencies.withLock({ $0.count }) < clients * events, ContinuousClock.now < drainDeadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            group.cancelAll()
        }
        let sorted = samples.latencies.withLock { $0 }.sorted()
        func percentile(_ p: Double) -> Double {
            sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
        }
        return Result(
            clients: clients, events: events, received: sorted.count, p50Milliseconds: percentile(0.5),
            p99Milliseconds: percentile(0.99), maxMilliseconds: sorted.last ?? .nan)
    }

    /// The index of a bench event in its JSON text (`"message":"bench-event 17"`).
    static func index(in text: String) -> Int? {
        guard let range = text.range(of: "bench-event ") else { return nil }
        return Int(text[range.upperBound...].prefix { $0.isNumber })
    }
}

/// When each event was sent, and every delivery's latency.
final class Samples: Sendable {
    let sent = Mutex<[Int: ContinuousClock.Instant]>([:])
    let latencies = Mutex<[Double]>([])
}

extension Duration {
    /// The duration in milliseconds.
    var milliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }
}
