import Foundation
import ProcessTestSupport

/// A temporary directory for coding-task tests: `bin/` with fake coding tools (shell scripts named like the real
/// CLIs) that comes first on agentctl's `PATH`, `repo/` (a git repository with one commit), `prompts/`, and an
/// `agentctl.json` whose store is `state/`.
struct CodingWorkspace: Sendable {
    let directory: URL
    var bin: URL { directory.appendingPathComponent("bin", isDirectory: true) }
    var repository: URL { directory.appendingPathComponent("repo", isDirectory: true) }
    var config: URL { directory.appendingPathComponent("agentctl.json") }
    var logs: URL { directory.appendingPathComponent("state/logs", isDirectory: true) }

    /// The shell lines fake tools start with: `wait_for TEXT` waits (at most 10 s) until agentctl's transcript
    /// holds TEXT, so a tool's lines on both streams arrive in a known order.
    static let prelude = """
        #!/bin/sh
        wait_for() {
            i=0
            until grep -qF "$1" "$AGENTCTL_LOG_DIR/transcript.log" 2>/dev/null; do
                i=$((i + 1)); [ "$i" -gt 1000 ] && { echo "gave up waiting for $1" >&2; exit 99; }
                sleep 0.01
            done
        }

        """

    /// Creates the directory, the repository (one empty commit) and a prompt `prompts/hello.md`.
    init() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "agentctl-coding-\(UUID().uuidString.prefix(12).lowercased())", isDirectory: true)
        for folder in ["bin", "repo", "prompts"] {
            try FileManager.default.createDirectory(
                at: directory.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        try Data("Say hello to {{who}}.\n".utf8).write(to: directory.appendingPathComponent("prompts/hello.md"))
        let result = try await shell(
            "git init -q && git -c user.name=Test -c user.email=test@example.com commit -q --allow-empty -m init",
            in: repository)
        guard result.status == 0 else { throw TestProcess.Failure("git init failed: \(result.err)") }
    }

    /// Writes a fake tool into `bin/`.
    /// - Parameters:
    ///   - name: The executable's name (`claude`).
    ///   - body: Shell lines after ``prelude``.
    func tool(_ name: String, _ body: String) throws {
        let url = bin.appendingPathComponent(name)
        try Data((Self.prelude + body + "\n").utf8).write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
    }

    /// Writes `agentctl.json`: the store in `state/`, no command agents, and the given coding keys.
    /// - Parameter coding: JSON members such as `"tasks": {…}, "tools": {…}`.
    func configure(_ coding: String) throws {
        try Data("{\"store\": \"state\", \"agents\": [], \(coding)}".utf8).write(to: config)
    }

    /// The environment for agentctl: `bin/` first on `PATH`, plus `extra`.
    func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var environment = extra
        environment["PATH"] = bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        return environment
    }

    /// Runs agentctl with `--config` pointing here.
    func run(_ arguments: [String], environment extra: [String: String] = [:], timeout: Duration = .seconds(60))
        async throws -> TestProcess.Result
    {
        try await AgentctlBinary.run(
            withConfig(arguments), in: directory, environment: environment(extra), timeout: timeout)
    }

    /// Starts agentctl with `--config` pointing here; kill it when the test ends.
    func start(_ arguments: [String]) throws -> TestProcess {
        try AgentctlBinary.start(withConfig(arguments), in: directory, environment: environment())
    }

    /// Runs `sh -c SCRIPT` to completion.
    func shell(_ script: String, in directory: URL? = nil) async throws -> TestProcess.Result {
        let process = try TestProcess(
            executable: URL(fileURLWithPath: "/bin/sh"), arguments: ["-c", script],
            workingDirectory: directory ?? self.directory)
        defer { process.kill() }
        return try await process.waitForExit(timeout: .seconds(30))
    }

    private func withConfig(_ arguments: [String]) -> [String] {
        guard let command = arguments.first else { return arguments }
        return [command, "--config", config.path] + arguments.dropFirst()
    }

    /// Removes the directory.
    func remove() { try? FileManager.default.removeItem(at: directory) }
}
