import Foundation

/// Finds an executable that `swift build` put beside the test bundle (`agentctl`, `agent-test-tool`).
package enum TestExecutable {
    /// Locates a built executable.
    /// - Parameters:
    ///   - name: The product's or target's name.
    ///   - overrideVariable: An environment variable whose value, when set, is the path to use instead.
    /// - Returns: The executable.
    /// - Throws: ``TestProcess/Failure`` listing where it looked, when it is not there.
    package static func locate(_ name: String, overrideVariable: String? = nil) throws -> URL {
        let environment = ProcessInfo.processInfo.environment
        if let overrideVariable, let path = environment[overrideVariable], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        var directories: [URL] = []
        // On Linux the tests run in the `…PackageTests.xctest` executable, built into the same directory.
        if FileManager.default.fileExists(atPath: "/proc/self/exe") {
            directories.append(
                URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent())
        }
        if let executable = Bundle.main.executableURL { directories.append(executable.deletingLastPathComponent()) }
        directories.append(Bundle.main.bundleURL)
        directories.append(Bundle.main.bundleURL.deletingLastPathComponent())
        if let first = CommandLine.arguments.first {
            directories.append(URL(fileURLWithPath: first).deletingLastPathComponent())
        }
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            directories.append(bundle.bundleURL.deletingLastPathComponent())
        }
        for directory in directories {
            let candidate = directory.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        var hint = "build it first (swift build --build-tests)"
        if let overrideVariable { hint += " or set \(overrideVariable)" }
        throw TestProcess.Failure("\(name) was not found; \(hint). Looked in: \(directories.map(\.path))")
    }
}
