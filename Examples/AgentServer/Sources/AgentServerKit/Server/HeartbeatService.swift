import AgentCore
import AgentScheduling
import Foundation
import ServiceLifecycle

/// Sends `{"event": "heartbeat", "ts": …, "clients": N}` to every WebSocket client at a fixed interval, on the
/// runner's clock, until a graceful shutdown.
struct HeartbeatService: Service {
    let hub: EventHub
    let clock: any AgentClock
    let interval: Duration

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await clock.sleep(until: clock.now.addingTimeInterval(interval.inSeconds))
                hub.broadcast(Self.message(at: clock.now, clients: hub.clientCount))
            }
        }
    }

    /// The heartbeat's JSON text.
    static func message(at date: Date, clients: Int) -> String {
        JSONValue.object([
            "event": .string("heartbeat"), "ts": .string(Timestamp.format(date)), "clients": .integer(Int64(clients)),
        ]).canonicalText
    }
}
