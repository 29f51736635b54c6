import Foundation
import ProcessTestSupport
import Testing

/// `agentctl completion bash|zsh|fish`: each script loads in its shell and completes verbs and task names.
struct CompletionEndToEndTests {
    /// The shell's path, or `nil` when it is not installed.
    static func locate(_ shell: String) -> String? {
        ["/usr/bin/\(shell)", "/bin/\(shell)", "/usr/local/bin/\(shell)", "/opt/homebrew/bin/\(shell)"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    @Test(arguments: ["bash", "zsh", "fish"])
    func theCompletionScriptLoadsInItsShell(shell: String) async throws {
        guard let path = Self.locate(shell) else {
            Issue.record("\(shell) is not installed, so its completion script cannot be loaded; run .ci/install-shells")
            return
        }
        let workspace = try await CodingWorkspace()
        defer { workspace.remove() }
        try workspace.configure(#""tasks": {"nightly_docs": {"prompt": "prompts/hello.md"}}"#)
        let script = try await AgentctlBinary.run(["completion", shell])
        #expect(script.status == 0)
        let file = workspace.directory.appendingPathComponent("agentctl.\(shell)")
        try Data(script.out.utf8).write(to: file)

        let syntax = try TestProcess(executable: URL(fileURLWithPath: path), arguments: ["-n", file.path])
        defer { syntax.kill() }
        let checked = try await syntax.waitForExit(timeout: .seconds(30))
        #expect(checked.status == 0, "\(shell) -n rejects the script: \(checked.err)")

        // Load it and complete: the verb `ru…` and the task after `--task` (read from the configuration).
        let agentctl = try AgentctlBinary.locate().deletingLastPathComponent().path
        let probe: [String]
        switch shell {
        case "bash":
            probe = [
                "-c",
                """
                source "$1"; complete -p agentctl >/dev/null || exit 3
                COMP_WORDS=(agentctl ru); COMP_CWORD=1; _agentctl; echo "${COMPREPLY[@]}"
                COMP_WORDS=(agentctl run --config "$2" --task ""); COMP_CWORD=5; _agentctl; echo "${COMPREPLY[@]}"
                """, "bash", file.path, workspace.config.path,
            ]
        case "zsh":
            probe = [
                "-f", "-c", #"autoload -U compinit && compinit -u -D && source "$1" && echo "$_comps[agentctl]""#,
                "zsh", file.path,
            ]
        default:
            probe = [
                "-c",
                #"source $argv[1]; complete -C"agentctl ru"; complete -C"agentctl run --config $argv[2] --task ""#,
                file.path, workspace.config.path,
            ]
        }
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = agentctl + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        environment["HOME"] = workspace.directory.path
        let loaded = try TestProcess(
            executable: URL(fileURLWithPath: path), arguments: probe, environment: environment,
            workingDirectory: workspace.directory)
        defer { loaded.kill() }
        let result = try await loaded.waitForExit(timeout: .seconds(30))
        #expect(result.status == 0, "\(shell) could not load the script: \(result.err)")
        if shell == "zsh" {
            #expect(result.out.contains("_agentctl"), "compdef registered nothing: \(result.out)")
        } else {
            #expect(result.out.contains("run"), "\(result.out)")
            #expect(result.out.contains("nightly_docs"), "\(result.out)")
        }
    }
}
