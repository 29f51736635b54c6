import Foundation

/// The four sample agents of `agentctl demo` (and of hosts such as `agent-server` when started without a
/// configuration): shell commands on second-level intervals that succeed, fail and are retried, time out, and hit
/// a classified usage limit while echoing a secret that is redacted.
public enum DemoAgents {
    /// The names of the sample agents, in file order.
    public static let names = ["hello", "flaky", "slow", "quota"]

    /// The sample `agentctl.json`.
    /// - Parameter secret: The value of the `quota` agent's secret `API_TOKEN` (which must never appear in logs).
    /// - Returns: The configuration text.
    public static func configuration(secret: String) -> String {
        template.replacingOccurrences(of: "$SECRET", with: secret)
    }

    /// Writes the sample configuration into a new temporary directory.
    /// - Parameter prefix: The start of the directory's name.
    /// - Returns: The configuration file (its directory also holds the store) and the secret it uses.
    /// - Throws: The file system's error when the directory or file cannot be written.
    public static func writeToTemporaryDirectory(prefix: String) throws -> (file: URL, secret: String) {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent(
            "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())", isDirectory: true)
        let file = home.appendingPathComponent("agentctl.json")
        let secret = "demo-secret-\(UUID().uuidString.lowercased())"
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        try Data(configuration(secret: secret).utf8).write(to: file)
        return (file, secret)
    }

    /// The sample configuration; `$SECRET` is replaced by ``configuration(secret:)``.
    private static let template = """
        {
          "maxConcurrentRuns": 4,
          "shutdownGracePeriod": "3s",
          "agents": [
            {
              "name": "hello",
              "description": "Says hello",
              "owner": "demo-team",
              "command": ["sh", "-c", "echo \\"hello from $AGENTCTL_AGENT, run $AGENTCTL_RUN_ID\\""],
              "schedule": {"every": "2s"}
            },
            {
              "name": "flaky",
              "description": "Fails its first attempt, succeeds when retried",
              "command": ["sh", "-c", "if [ \\"$AGENTCTL_ATTEMPT\\" = 1 ]; then echo 'connection reset by peer' >&2; exit 1; fi; echo \\"recovered on attempt $AGENTCTL_ATTEMPT\\""],
              "schedule": {"every": "4s"},
              "retry": {"maxRetries": 2, "initialDelay": "1s", "jitter": 0}
            },
            {
              "name": "slow",
              "description": "Takes longer than its timeout",
              "command": ["sh", "-c", "echo 'working…'; sleep 30 & wait"],
              "schedule": {"every": "5s"},
              "timeout": "2s",
              "terminationGracePeriod": "1s",
              "retry": false
            },
            {
              "name": "quota",
              "description": "Hits a usage limit, classified by a failure pattern",
              "command": ["sh", "-c", "echo \\"calling the API with token $API_TOKEN\\"; echo 'Error: usage limit reached' >&2; exit 1"],
              "env": {"API_TOKEN": {"value": "$SECRET", "secret": true}},
              "schedule": {"every": "3s"},
              "failurePatterns": [{"pattern": "usage limit|rate limit", "class": "rateLimited"}],
              "retry": false,
              "autoPauseAfter": 2
            }
          ]
        }
        """
}
