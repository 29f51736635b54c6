import AgentCore
import AgentScheduling
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import UnixSignals

/// `agent-server`: the runner of an `agentctl.json` behind an HTTP API, a WebSocket of live events and a dashboard.
///
/// ```swift
/// let options = try ServerOptions.resolve(configPath: "agentctl.json", listen: nil, databaseURL: nil)
/// let server = try await AgentServer.open(options)
/// try await server.run()   // until SIGTERM or SIGINT: the runner shuts down, then the listener
/// ```
public struct AgentServer: Sendable {
    /// The resolved options.
    public let options: ServerOptions
    /// The runner and what the API works on.
    public let gateway: RunnerGateway
    /// How often WebSocket clients get a heartbeat.
    public var heartbeatInterval: Duration = .seconds(15)

    /// Creates a server over a runner built elsewhere (tests, embedding programs).
    /// - Parameters:
    ///   - options: The options.
    ///   - gateway: The runner and its configuration.
    public init(options: ServerOptions, gateway: RunnerGateway) {
        self.options = options
        self.gateway = gateway
    }

    /// Opens the store (``StoreFactory``) and builds the runner from the configuration, as `agentctl serve` does.
    /// - Parameters:
    ///   - options: The options.
    ///   - clock: The clock of the runner.
    /// - Returns: The server, not yet listening.
    /// - Throws: ``ServerStartupError``.
    public static func open(_ options: ServerOptions, clock: any AgentClock = SystemClock())
        async throws(ServerStartupError)
        -> AgentServer
    {
        let store = try await StoreFactory.open(configuration: options.configuration, databaseURL: options.databaseURL)
        let configuration = options.configuration
        let runner: AgentRunner
        let names: [AgentName]
        do {
            let runnable = try configuration.runnable(
                environment: options.environment, shownPath: configuration.file.path)
            names = runnable.agents.map(\.name)
            runner = try AgentRunner(
                agents: runnable.agents, store: store, clock: clock,
                options: configuration.runnerOptions(webhooks: runnable.webhooks, role: "agent-server"))
        } catch {
            throw ServerStartupError("cannot start the runner: \(error)")
        }
        return AgentServer(
            options: options, gateway: RunnerGateway(runner: runner, configuration: configuration, agentNames: names))
    }

    /// The routes: `/api/v1/…`, `/metrics` and the dashboard at `/`.
    /// - Returns: The router.
    public func makeRouter() -> Router<ServerRequestContext> {
        let router = Router(context: ServerRequestContext.self)
        router.add(middleware: JSONErrorMiddleware())
        router.add(middleware: AuthorizationMiddleware(tokens: options.tokens))
        let api = router.group("api/v1")
        RunsController(gateway: gateway).register(on: api)
        AgentsController(gateway: gateway).register(on: api)
        ApprovalsController(gateway: gateway).register(on: api)
        ScheduleController(gateway: gateway).register(on: api)
        PipelinesController(gateway: gateway).register(on: api)
        EventsController(gateway: gateway).register(on: api)
        SystemController(gateway: gateway).register(on: router, api: api)
        DashboardController().register(on: router)
        return router
    }

    /// The Hummingbird application on ``ServerOptions/listen``, with WebSocket upgrades.
    /// - Parameter onListening: Called with the bound port.
    /// - Returns: The application.
    public func makeApplication(onListening: @escaping @Sendable (Int) async -> Void = { _ in })
        -> some ApplicationProtocol
    {
        var logger = Logger(label: "agent-server")
        logger.logLevel = .notice
        let router = makeRouter()
        return Application(
            router: router,
            server: .http1WebSocketUpgrade(webSocketRouter: router),
            configuration: .init(
                address: .hostname(options.listen.host, port: options.listen.port), serverName: "agent-server"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? options.listen.port) },
            logger: logger)
    }

    /// Listens and runs the runner until SIGTERM or SIGINT (or the task is cancelled); then the runner shuts down
    /// gracefully first (every run gets its terminal record), then the listener.
    /// - Parameter onListening: Called with the bound port, before the runner starts.
    /// - Throws: ``ServerStartupError`` for an address in use or that cannot be bound; the runner's error.
    public func run(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let (listening, bound) = AsyncStream.makeStream(of: Int.self, bufferingPolicy: .bufferingNewest(1))
        let application = makeApplication { port in
            await onListening(port)
            bound.yield(port)
        }
        var logger = Logger(label: "agent-server")
        logger.logLevel = .notice
        // Graceful shutdown goes in reverse order: the runner, then the heartbeat, then the listener.
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: application),
                    .init(
                        service: HeartbeatService(
                            hub: gateway.hub, clock: gateway.runner.clock, interval: heartbeatInterval)),
                    .init(
                        service: RunnerService(gateway: gateway, listening: listening),
                        successTerminationBehavior: .gracefullyShutdownGroup,
                        failureTerminationBehavior: .gracefullyShutdownGroup),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw ServerStartupError(
                "\(options.listen) is already in use by another program; stop it or pass --listen with another port")
        } catch let error as IOError {
            throw ServerStartupError("cannot listen on \(options.listen): \(error)")
        }
    }
}
