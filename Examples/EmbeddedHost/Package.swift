// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "EmbeddedHost",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "swift-agent-runner", path: "../..")
    ],
    targets: [
        .executableTarget(
            name: "EmbeddedHost",
            dependencies: [
                .product(name: "AgentCore", package: "swift-agent-runner"),
                .product(name: "AgentScheduling", package: "swift-agent-runner"),
                .product(name: "AgentStorage", package: "swift-agent-runner"),
            ]
        )
    ]
)

for target in package.targets {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    target.swiftSettings = settings
}
