import Foundation
import ProcessTestSupport

/// A temporary directory with an `agentctl.json`, for end-to-end tests; its store and logs live inside it.
struct TestHome: Sendable {
    let directory: URL
    var config: URL { directory.appendingPathComponent("agentctl.json") }

    /// Creates the directory and writes the configuration (`store` defaults to `state` inside it).
    init(config text: String) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "agentctl-test-\(UUID().uuidString.prefix(12).lowercased())", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: config)
    }

    /// A configuration with these agents (JSON objects) and a store in the home.
    init(agents: [String], settings: String = "") throws {
        try self.init(
            config: "{\"store\": \"state\", \(settings.isEmpty ? "" : settings + ",") \"agents\": [\n"
                + agents.joined(separator: ",\n") + "\n]}")
    }

    /// Runs `agentctl` with `--config` pointing here (inserted after the command name).
    func run(_ arguments: [String], timeout: Duration = .seconds(60)) async throws -> TestProcess.Result {
        try await AgentctlBinary.run(withConfig(arguments), in: directory, timeout: timeout)
    }

    /// Starts a long-running `agentctl` (serve) with `--config` pointing here; kill it when the test ends
    /// (`defer { process.kill() }`).
    func start(_ arguments: [String]) throws -> TestProcess {
        try AgentctlBinary.start(withConfig(arguments), in: directory)
    }

    private func withConfig(_ arguments: [String]) -> [String] {
        guard let command = arguments.first else { return arguments }
        return [command, "--config", config.path] + arguments.dropFirst()
    }

    /// Every regular file under the home except the configuration, with its content.
    func files() -> [(path: String, data: Data)] {
        var result: [(String, Data)] = []
        let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil)
        while let url = enumerator?.nextObject() as? URL {
            guard url.standardizedFileURL != config.standardizedFileURL,
                let data = FileManager.default.contents(atPath: url.path)
            else { continue }
            result.append((url.path, data))
        }
        return result
    }

    /// Removes the directory.
    func remove() { try? FileManager.default.removeItem(at: directory) }
}
