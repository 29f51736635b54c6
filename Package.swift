// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "swift-agent-runner",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "AgentCore", targets: ["AgentCore"]),
        .library(name: "AgentScheduling", targets: ["AgentScheduling"]),
        .library(name: "AgentStorage", targets: ["AgentStorage"]),
        .executable(name: "agentctl", targets: ["AgentCLI"]),
    ],
    dependencies: [],
    targets: [
        .target(name: "AgentCore"),
        .target(name: "AgentScheduling", dependencies: ["AgentCore"]),
        .target(name: "AgentStorage", dependencies: ["AgentCore"]),
        .executableTarget(
            name: "AgentCLI",
            dependencies: ["AgentCore", "AgentScheduling", "AgentStorage"]
        ),
        // A local HTTP server shared by the webhook tests of the scheduler and of agentctl (not a product).
        .target(name: "HTTPTestSupport", path: "Tests/Support/HTTPTestSupport"),
        .testTarget(name: "AgentCoreTests", dependencies: ["AgentCore"]),
        .testTarget(
            name: "AgentSchedulingTests",
            dependencies: ["AgentScheduling", "AgentStorage", "HTTPTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "AgentStorageTests",
            dependencies: ["AgentStorage", "AgentScheduling"]
        ),
        .testTarget(name: "AgentCLITests", dependencies: ["AgentCLI", "HTTPTestSupport"]),
    ]
)

for target in package.targets {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    target.swiftSettings = settings
}
