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
        // The one child-process harness of the tests (deadlines on every wait, the process group killed on
        // failure), built on AgentScheduling's launcher (not a product).
        .target(
            name: "ProcessTestSupport", dependencies: ["AgentScheduling"], path: "Tests/Support/ProcessTestSupport"),
        // Real-time deadlines for every wait in the tests (`within`, `waitBounded`), so no test can hang the suite.
        .target(name: "TestDeadlines", dependencies: ["AgentCore"], path: "Tests/Support/TestDeadlines"),
        // Programs the tests run as child processes: store torture, scheduler soak (not a product; built with
        // the tests that launch it).
        .executableTarget(
            name: "agent-test-tool",
            dependencies: ["AgentCore", "AgentScheduling", "AgentStorage"],
            path: "Tests/Support/AgentTestTool"
        ),
        .testTarget(name: "AgentCoreTests", dependencies: ["AgentCore", "TestDeadlines"]),
        .testTarget(
            name: "AgentSchedulingTests",
            dependencies: [
                "AgentScheduling", "AgentStorage", "HTTPTestSupport", "ProcessTestSupport", "TestDeadlines",
            ],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "AgentStorageTests",
            dependencies: ["AgentStorage", "AgentScheduling", "ProcessTestSupport", "TestDeadlines", "agent-test-tool"]
        ),
        .testTarget(
            name: "AgentCLITests",
            dependencies: ["AgentCLI", "agentctl", "HTTPTestSupport", "ProcessTestSupport", "TestDeadlines"]
        ),
    ]
)

for target in package.targets {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    target.swiftSettings = settings
}
