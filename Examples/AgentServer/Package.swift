// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "AgentServer",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "agent-server", targets: ["agent-server"])
    ],
    dependencies: [
        .package(name: "swift-agent-runner", path: "../.."),
        .package(name: "PostgresStore", path: "../PostgresStore"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // The HTTP API, the live events, the dashboard and the server's configuration: a library, so the tests
        // drive it with Hummingbird's test client.
        .target(
            name: "AgentServerKit",
            dependencies: [
                .product(name: "AgentCore", package: "swift-agent-runner"),
                .product(name: "AgentScheduling", package: "swift-agent-runner"),
                .product(name: "AgentStorage", package: "swift-agent-runner"),
                .product(name: "AgentCLI", package: "swift-agent-runner"),
                .product(name: "PostgresAgentStore", package: "PostgresStore"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // The agent-server executable: argument parsing around AgentServerKit, and the `bench` subcommand.
        .executableTarget(
            name: "agent-server",
            dependencies: [
                "AgentServerKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "AgentServerTests",
            dependencies: [
                "AgentServerKit",
                .product(name: "AgentStorage", package: "swift-agent-runner"),
                .product(name: "PostgresAgentStore", package: "PostgresStore"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdWSTesting", package: "hummingbird-websocket"),
            ]
        ),
    ]
)

for target in package.targets {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    target.swiftSettings = settings
}
