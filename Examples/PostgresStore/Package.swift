// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "PostgresStore",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "PostgresAgentStore", targets: ["PostgresAgentStore"]),
        .executable(name: "agent-runner-pg", targets: ["agent-runner-pg"]),
    ],
    dependencies: [
        .package(name: "swift-agent-runner", path: "../.."),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // The store: every storage protocol of AgentCore on PostgreSQL.
        .target(
            name: "PostgresAgentStore",
            dependencies: [
                .product(name: "AgentCore", package: "swift-agent-runner"),
                .product(name: "AgentStorage", package: "swift-agent-runner"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        // agentctl's verbs on PostgreSQL, plus the PostgreSQL benchmark.
        .executableTarget(
            name: "agent-runner-pg",
            dependencies: [
                "PostgresAgentStore",
                .product(name: "AgentCLI", package: "swift-agent-runner"),
                .product(name: "AgentCore", package: "swift-agent-runner"),
                .product(name: "AgentScheduling", package: "swift-agent-runner"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(
            name: "PostgresAgentStoreTests",
            dependencies: [
                "PostgresAgentStore",
                "agent-runner-pg",
                .product(name: "AgentCore", package: "swift-agent-runner"),
                .product(name: "AgentScheduling", package: "swift-agent-runner"),
                .product(name: "AgentStorage", package: "swift-agent-runner"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
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
