import AgentCore
import AgentScheduling
import Foundation
import ServiceLifecycle

/// Runs the runner as a service of the server's group: it starts once the listener is bound (so a port in use
/// starts no runs), stops first on a graceful shutdown — every run gets its terminal record — and then ends the
/// live event streams, before the listener stops.
struct RunnerService: Service {
    let gateway: RunnerGateway
    /// Yields once the listener is bound.
    let listening: AsyncStream<Int>

    func run() async throws {
        var bound = listening.makeAsyncIterator()
        guard await bound.next() != nil else { return }
        defer { gateway.hub.finish() }
        try await cancelWhenGracefulShutdown { try await gateway.runner.run() }
    }
}
