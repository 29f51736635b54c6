// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "swift-agent-runner",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "AgentCore", targets: ["AgentCore"]),
        .library(name: "AgentScheduling", targets: ["AgentScheduling"]),
        .library(name: "AgentStorage", targets: ["AgentStorage"]),
        .library(name: "AgentCLI", targets: ["AgentCLI"]),
        .executable(name: "agentctl", targets: ["agentctl"]),
    ],
    dependencies: [],
    targets: [
        .target(name: "AgentCore"),
        .target(name: "AgentScheduling", dependencies: ["AgentCore"]),
        .target(name: "AgentStorage", dependencies: ["AgentCore"]),
        // agentctl's commands, configuration loading and output formats, reusable by other hosts.
        .target(
            name: "AgentCLI",
            dependencies: ["AgentCore", "AgentScheduling", "AgentStorage"],
            exclude: ["Executable"]
        ),
        // The agentctl executable: one file that hands the command line to AgentCLI.
        .executableTarget(name: "agentctl", dependencies: ["AgentCLI"], path: "Sources/AgentCLI/Executable"),
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
        .testTarget(name: "AgentCLITests", dependencies: ["AgentCLI", "agentctl", "HTTPTestSupport"]),
    ]
)

for target in package.targets {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    target.swiftSettings = settings
}
