// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "CustomStore",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "DirectoryStore", targets: ["DirectoryStore"])
    ],
    dependencies: [
        .package(name: "swift-agent-runner", path: "../..")
    ],
    targets: [
        // The store depends only on AgentCore, where the storage protocols live.
        .target(
            name: "DirectoryStore",
            dependencies: [.product(name: "AgentCore", package: "swift-agent-runner")]
        ),
        // The tests use AgentStorage for the public conformance suite.
        .testTarget(
            name: "DirectoryStoreTests",
            dependencies: [
                "DirectoryStore",
                .product(name: "AgentCore", package: "swift-agent-runner"),
                .product(name: "AgentScheduling", package: "swift-agent-runner"),
                .product(name: "AgentStorage", package: "swift-agent-runner"),
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
