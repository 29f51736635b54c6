import AgentCore
import AgentStorage
import Foundation
import Testing

@testable import AgentScheduling

/// `agentctl.json` in process: every key, every shape, and every problem with its JSON path.
struct ConfigParsingTests {
    static let file = URL(fileURLWithPath: "/srv/agents/agentctl.json")

    func parse(_ text: String, environment: [String: String] = [:]) throws(ConfigError) -> RunnerConfiguration {
        try RunnerConfiguration.parse(text, file: Self.file, shownPath: "agentctl.json", environment: environment)
    }

    /// The problems of an invalid text, as `path: message`.
    func problems(_ text: String) -> [String] {
        do {
            _ = try parse(text)
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    /// The problems of one agent object (written inside `{"agents": [ … ]}`).
    func problems(agent: String) -> [String] { problems("{\"agents\": [\(agent)]}") }

    @Test func theFullExampleOfTheDocumentationParses() throws {
        let configuration = try parse(
            """
            {
              "version": 1,
              "store": "/var/lib/agentctl",
              "logs": "logs",
              "maxConcurrentRuns": 2,
              "shutdownGracePeriod": "1m",
              "timeZone": "Europe/Berlin",
              "retention": {"maxAge": "30d", "maxRunsPerAgent": 1000},
              "notifications": [
                {"format": "slack", "url": {"fromEnv": "SLACK_URL"}, "on": ["failure"], "agents": ["heartbeat"]}
              ],
              "agents": [
                {
                  "name": "nightly-review",
                  "description": "Reviews yesterday's commits",
                  "owner": "platform-team",
                  "contact": "#platform-alerts",
                  "labels": {"tier": "1"},
                  "command": ["claude", "-p", "review the last day of commits"],
                  "workingDirectory": "~/src/app",
                  "env": {
                    "MODEL": "sonnet",
                    "API_TOKEN": {"fromEnv": "ANTHROPIC_API_KEY"},
                    "DB_PASSWORD": {"value": "hunter2", "secret": true},
                    "HTTP_PROXY": null
                  },
                  "inheritEnv": true,
                  "schedule": "30 2 * * 1-5",
                  "timeout": "20m",
                  "terminationGracePeriod": "10s",
                  "outputLimit": "8MB",
                  "retry": {"maxRetries": 2, "initialDelay": "5m", "multiplier": 3, "maxDelay": "1h", "jitter": 0.1,
                            "retryTimeouts": false},
                  "priority": "high",
                  "overlap": "queue",
                  "misfire": {"policy": "runAll", "limit": 3, "catchUpWindow": "6h"},
                  "autoPauseAfter": 3,
                  "enabled": true,
                  "failurePatterns": [
                    {"pattern": "usage limit|rate limit", "class": "rateLimited", "retryAfter": "30m"},
                    {"pattern": "model not found", "class": "permanent", "stream": "stderr", "caseSensitive": true}
                  ],
                  "notifications": [
                    {"format": "ntfy", "url": "https://ntfy.sh/my-topic", "on": ["failure", "everyRun"],
                     "headers": {"Authorization": {"value": "Bearer x", "secret": true}}, "maxAttempts": 3,
                     "initialRetryDelay": "1s", "maxRetryDelay": "30s", "timeout": "5s"}
                  ]
                },
                {"name": "heartbeat", "command": ["true"], "schedule": {"every": "90s"}, "retry": false},
                {"name": "manual", "command": ["make", "docs"]}
              ]
            }
            """, environment: ["HOME": "/home/ops"])
        #expect(configuration.storeDirectory.path == "/var/lib/agentctl")
        #expect(configuration.logsDirectory.path == "/srv/agents/logs")
        #expect(configuration.maximumConcurrentRuns == 2)
        #expect(configuration.shutdownGracePeriod == .seconds(60))
        #expect(configuration.retention.maximumAge == .seconds(30 * 86_400))
        #expect(configuration.retention.maximumRunsPerAgent == 1000)
        #expect(configuration.agents.map(\.name.rawValue) == ["nightly-review", "heartbeat", "manual"])

        let review = configuration.agents[0]
        #expect(review.executable == "claude")
        #expect(review.arguments == ["-p", "review the last day of commits"])
        #expect(review.workingDirectory == "/home/ops/src/app")
        #expect(review.environment.map(\.name) == ["MODEL", "API_TOKEN", "DB_PASSWORD", "HTTP_PROXY"])
        #expect(review.environment[0].value == .literal("sonnet"))
        #expect(review.environment[1].value == ConfigValue(source: .environment("ANTHROPIC_API_KEY"), isSecret: true))
        #expect(review.environment[2].value == ConfigValue(source: .literal("hunter2"), isSecret: true))
        #expect(review.environment[3].value == nil)
        #expect(review.schedule == .cron("30 2 * * 1-5", timeZone: "Europe/Berlin"))
        #expect(review.timeout == .seconds(1200))
        #expect(review.terminationGracePeriod == .seconds(10))
        #expect(review.maximumOutputBytes == 8 << 20)
        #expect(
            review.retry
                == RetryPolicy(
                    maximumRetries: 2, initialDelay: .seconds(300), multiplier: 3,
                    maximumDelay: .seconds(3600), jitter: 0.1, retriesTimeouts: false))
        #expect(review.priority == .high)
        #expect(review.overlap == .queue)
        #expect(review.misfire == .runAll(limit: 3, catchUpWindow: .seconds(21_600)))
        #expect(review.autoPauseAfterConsecutiveFailures == 3)
        #expect(
            review.owner
                == OwnerMetadata(
                    owner: "platform-team", contact: "#platform-alerts", description: "Reviews yesterday's commits",
                    labels: ["tier": "1"]))
        #expect(
            review.failurePatterns == [
                FailurePattern("usage limit|rate limit", class: .rateLimited, retryAfter: .seconds(1800)),
                FailurePattern("model not found", class: .permanent, stream: .stderr, isCaseSensitive: true),
            ])
        #expect(configuration.notifications.map(\.format) == [.slack, .ntfy], "the document's webhooks come first")
        #expect(configuration.notifications.map(\.agents) == [["heartbeat"], ["nightly-review"]])
        let webhooks = try configuration.webhooks(environment: ["SLACK_URL": "https://hooks.example.com/T0/B0"]).get()
        #expect(webhooks[0].url.absoluteString == "https://hooks.example.com/T0/B0")
        #expect(webhooks[1].triggers == [.failure, .everyRun])
        #expect(webhooks[1].headers == ["Authorization": "Bearer x"])
        #expect(webhooks[1].maximumAttempts == 3 && webhooks[1].timeout == .seconds(5))
        #expect(try configuration.webhooks(environment: [:], for: ["nightly-review"]).get().count == 1)
        #expect(review.policy.timeout == .seconds(1200))

        #expect(configuration.agents[1].schedule == .interval(.seconds(90)))
        #expect(configuration.agents[1].retry == .never)
        #expect(configuration.agents[2].schedule == .manualOnly)
        #expect(configuration.agents[2].retry == RetryPolicy(), "the library's default retry policy")
    }

    @Test func defaultsPlaceTheStoreNextToTheFileUnlessAgentctlHomeIsSet() throws {
        let plain = try parse(#"{"agents": []}"#)
        #expect(plain.storeDirectory.path == "/srv/agents/.agentctl")
        #expect(plain.logsDirectory.path == "/srv/agents/.agentctl/logs")
        #expect(plain.maximumConcurrentRuns == 4)
        #expect(plain.timeZone == "UTC")
        let home = try parse(#"{"agents": []}"#, environment: ["AGENTCTL_HOME": "/data/agentctl"])
        #expect(home.storeDirectory.path == "/data/agentctl")
        let explicit = try parse(#"{"store": "state", "agents": []}"#, environment: ["AGENTCTL_HOME": "/data/x"])
        #expect(explicit.storeDirectory.path == "/srv/agents/state", "the file's store wins")
    }

    @Test func serviceLevelKeysBecomeThePolicysServiceLevel() throws {
        let configuration = try parse(
            """
            {"agents": [
              {"name": "a", "command": ["true"], "schedule": "0 5 * * *", "maxDuration": "45m", "mustSucceedBy": "06:00"},
              {"name": "b", "command": ["true"]}
            ]}
            """)
        #expect(
            configuration.agents[0].policy.serviceLevel
                == ServiceLevel(maxDuration: .seconds(2700), mustSucceedBy: ServiceLevel.TimeOfDay(hour: 6, minute: 0)))
        #expect(configuration.agents[1].policy.serviceLevel == .none)
    }

    @Test func badServiceLevelKeysAreReportedWithTheirPath() {
        #expect(
            problems(agent: #"{"name": "a", "command": ["true"], "mustSucceedBy": "25:00"}"#) == [
                #"agents[0].mustSucceedBy: "25:00" is not a time of day; write 24-hour HH:MM such as "06:00""#
            ])
        #expect(
            problems(agent: #"{"name": "a", "command": ["true"], "maxDuration": "soon"}"#).first?.hasPrefix(
                "agents[0].maxDuration: ") == true)
    }

    @Test func cronSchedulesUseTheFilesTimeZoneUnlessTheAgentNamesOne() throws {
        let configuration = try parse(
            """
            {"timeZone": "America/New_York", "agents": [
              {"name": "a", "command": ["true"], "schedule": "@daily"},
              {"name": "b", "command": ["true"], "schedule": {"cron": "0 9 * * MON-FRI"}, "timeZone": "Asia/Tokyo"},
              {"name": "c", "command": ["true"], "schedule": "manual"}
            ]}
            """)
        #expect(configuration.agents[0].schedule == .cron("@daily", timeZone: "America/New_York"))
        #expect(configuration.agents[1].schedule == .cron("0 9 * * MON-FRI", timeZone: "Asia/Tokyo"))
        #expect(configuration.agents[2].schedule == .manualOnly)
    }

    @Test(arguments: [
        (
            #"{"name": "a", "command": ["true"], "schedule": "60 * * * *"}"#,
            "agents[0].schedule: minute: 60 is out of range 0-59"
        ),
        (#"{"name": "a", "command": ["true"], "schedule": "* * * *"}"#, "agents[0].schedule: "),
        (#"{"name": "a", "command": ["true"], "schedule": "0 0 31 2 *"}"#, "agents[0].schedule: day-of-month: 31"),
        (#"{"name": "a", "command": ["true"], "schedule": 5}"#, "agents[0].schedule: expected cron text"),
        (
            #"{"name": "a", "command": ["true"], "schedule": {"every": "0s"}}"#,
            "agents[0].schedule.every: \"0s\" is too short"
        ),
        (
            #"{"name": "a", "command": ["true"], "schedule": {"every": "1x"}}"#,
            "agents[0].schedule.every: \"1x\" is not a duration"
        ),
        (
            #"{"name": "a", "command": ["true"], "schedule": {"every": "1m", "cron": "* * * * *"}}"#,
            "agents[0].schedule: give either \"cron\" or \"every\", not both"
        ),
        (
            #"{"name": "a", "command": ["true"], "schedule": {"evry": "1m"}}"#,
            "agents[0].schedule.evry: unknown key \"evry\"; did you mean \"every\"?"
        ),
        (
            #"{"name": "a", "command": ["true"], "schedule": {"every": "1m"}, "timeZone": "UTC"}"#,
            "agents[0].timeZone: an interval schedule has no time zone"
        ),
        (
            #"{"name": "a", "command": ["true"], "schedule": "@daily", "timeZone": "Mars/Base"}"#,
            "agents[0].timeZone: unknown time zone \"Mars/Base\""
        ),
        (
            #"{"name": "a", "command": ["true"], "timeout": "forever"}"#,
            "agents[0].timeout: \"forever\" is not a duration"
        ),
        (
            #"{"name": "a", "command": ["true"], "timeout": "500ms"}"#,
            "agents[0].timeout: \"500ms\" is too short: use at least 1s"
        ),
        (
            #"{"name": "a", "command": ["true"], "outputLimit": "10 parsecs"}"#,
            "agents[0].outputLimit: \"10 parsecs\" is not a size"
        ),
        (
            #"{"name": "a", "command": ["true"], "retry": {"maxRetries": 101}}"#,
            "agents[0].retry.maxRetries: 101 is out of range"
        ),
        (
            #"{"name": "a", "command": ["true"], "retry": {"initialDelay": "1h", "maxDelay": "1m"}}"#,
            "agents[0].retry.maxDelay: must not be shorter than initialDelay (1h)"
        ),
        (#"{"name": "a", "command": ["true"], "retry": "twice"}"#, "agents[0].retry: expected a number of retries"),
        (
            #"{"name": "a", "command": ["true"], "priority": "urgent"}"#,
            "agents[0].priority: \"urgent\" is not one of \"low\", \"normal\", \"high\", \"critical\""
        ),
        (
            #"{"name": "a", "command": ["true"], "overlap": "parallel"}"#,
            "agents[0].overlap: \"parallel\" is not one of"
        ),
        (
            #"{"name": "a", "command": ["true"], "misfire": {"policy": "runOnce", "limit": 3}}"#,
            "agents[0].misfire.limit: only the \"runAll\" policy has a limit"
        ),
        (#"{"name": "a", "command": ["true"], "autoPauseAfter": 0}"#, "agents[0].autoPauseAfter: 0 is out of range"),
        (
            #"{"name": "a", "command": ["true"], "enabled": "yes"}"#,
            "agents[0].enabled: expected true or false, found a string"
        ),
        (#"{"name": "a", "command": []}"#, "agents[0].command: must name at least the program to run"),
        (
            #"{"name": "a", "command": "make docs"}"#,
            "agents[0].command: expected an array of program and arguments, such as [\"make\", \"docs\"]"
        ),
        (#"{"name": "a", "command": ["make", 1]}"#, "agents[0].command[1]: expected a string, found a number"),
        (#"{"name": "a"}"#, "agents[0]: missing \"command\""),
        (#"{"command": ["true"]}"#, "agents[0]: missing \"name\""),
        (#"{"name": "-a", "command": ["true"]}"#, "agents[0].name: \"-a\" is not a valid name: a name must start with"),
        (
            #"{"name": "a", "command": ["true"], "env": {"A B": "x"}}"#,
            "agents[0].env[\"A B\"]: \"A B\" is not an environment variable name"
        ),
        (#"{"name": "a", "command": ["true"], "env": {"A": 1}}"#, "agents[0].env.A: expected a string, {\"value\""),
        (
            #"{"name": "a", "command": ["true"], "env": {"A": {"value": "x", "fromEnv": "Y"}}}"#,
            "agents[0].env.A: give either \"value\" or \"fromEnv\", not both"
        ),
        (
            #"{"name": "a", "command": ["true"], "env": {"A": {"fromEnv": "Y", "secrets": true}}}"#,
            "agents[0].env.A.secrets: unknown key \"secrets\"; did you mean \"secret\"?"
        ),
        (
            #"{"name": "a", "command": ["true"], "failurePatterns": [{"pattern": "(", "class": "rateLimited"}]}"#,
            "agents[0].failurePatterns[0].pattern: pattern \"(\" is not a valid regular expression"
        ),
        (
            #"{"name": "a", "command": ["true"], "failurePatterns": [{"pattern": "x", "class": "timeout"}]}"#,
            "agents[0].failurePatterns[0].class: \"timeout\" is not one of \"rateLimited\", \"permanent\", \"transient\""
        ),
        (
            #"{"name": "a", "command": ["true"], "failurePatterns": [{"pattern": "x", "class": "permanent", "retryAfter": "1m"}]}"#,
            "agents[0].failurePatterns[0].retryAfter: only a \"rateLimited\" pattern has a retryAfter"
        ),
        (
            #"{"name": "a", "command": ["true"], "notifications": [{"format": "email", "url": "https://x"}]}"#,
            "agents[0].notifications[0].format: \"email\" is not one of \"json\", \"slack\", \"ntfy\""
        ),
        (
            #"{"name": "a", "command": ["true"], "notifications": [{"format": "slack", "url": "hooks.slack.com"}]}"#,
            "agents[0].notifications[0].url: \"hooks.slack.com\" is not an http:// or https:// URL"
        ),
        (
            #"{"name": "a", "command": ["true"], "notifications": [{"url": "https://x", "on": ["always"]}]}"#,
            "agents[0].notifications[0].on[0]: expected one of \"failure\", \"autoPause\", \"slaBreach\", \"fireOverdue\", \"everyRun\""
        ),
        (
            #"{"name": "a", "command": ["true"], "notifications": [{"url": "https://x", "agents": ["a"]}]}"#,
            "agents[0].notifications[0].agents: unknown key \"agents\""
        ),
    ])
    func eachProblemIsReportedWithItsPath(agent: String, expected: String) {
        let found = problems(agent: agent)
        #expect(found.contains { $0.hasPrefix(expected) }, "expected \(expected), found \(found)")
    }

    @Test func everyProblemIsReportedAtOnceInFileOrder() {
        let found = problems(
            """
            {
              "maxConcurrentRuns": 0,
              "agents": [
                {"name": "a", "command": ["true"], "schedul": "@daily"},
                {"name": "a", "command": ["true"], "timeout": "x"},
                {"name": "b", "command": ["true"], "schedule": "61 * * * *", "retry": {"maxRetries": -1}}
              ],
              "colour": "blue"
            }
            """)
        #expect(
            found == [
                "maxConcurrentRuns: 0 is out of range: use 1 to 1000",
                "agents[0].schedul: unknown key \"schedul\"; did you mean \"schedule\"?",
                "agents[1].name: \"a\" is already the name of agents[0]; names must be unique",
                "agents[1].timeout: \"x\" is not a duration such as \"30s\", \"5m\", \"1h30m\", \"500ms\" or a number of seconds",
                "agents[2].schedule: minute: 61 is out of range 0-59",
                "agents[2].retry.maxRetries: -1 is out of range: use 0 to 100",
                "colour: unknown key \"colour\"; known keys here: version, store, logs, maxConcurrentRuns, "
                    + "shutdownGracePeriod, misfireThreshold, overdueGracePeriod, timeZone, retention, notifications, "
                    + "server, agents, tools, tasks, taskSchedules, plans, approvals, pipelines",
            ])
    }

    @Test func problemsCarryTheirLineAndColumn() throws {
        do {
            _ = try parse(
                "{\n  \"agents\": [\n    {\"name\": \"a\", \"command\": [\"true\"], \"schedule\": \"60 * * * *\"}\n  ]\n}"
            )
            Issue.record("expected a problem")
        } catch {
            let problem = try #require(error.problems.first)
            #expect(problem.line == 3)
            #expect(problem.column == 52)
            #expect(
                problem.located(in: "agentctl.json")
                    == "agentctl.json:3:52: agents[0].schedule: minute: 60 is out of range 0-59")
        }
    }

    @Test func theDocumentMustBeAnObjectWithAgents() {
        #expect(problems("[]") == ["expected an object ({…}), found an array"])
        #expect(
            problems("{}") == ["missing \"agents\": a list of agents, for example [{\"name\": …, \"command\": […]}]"])
        #expect(
            problems(#"{"version": 2, "agents": []}"#).first?.hasPrefix("version: version 2 is not supported") == true)
    }

    @Test func unsetVariablesOfWebhooksAreFoundWhenAgentsAreAboutToRun() throws {
        let configuration = try parse(
            #"""
            {"notifications": [{"url": {"fromEnv": "HOOK_URL"}, "headers": {"Authorization": {"fromEnv": "HOOK_TOKEN"}}}],
             "agents": [{"name": "a", "command": ["true"]}, {"name": "b", "command": ["true"]}]}
            """#)
        #expect(
            configuration.webhooks(environment: ["HOOK_URL": "https://hooks.example.com/x"]).failureProblems == [
                "notifications[0].headers.Authorization: the environment variable HOOK_TOKEN is not set; export it before starting agentctl"
            ])
        #expect(
            configuration.webhooks(environment: ["HOOK_URL": "not a url", "HOOK_TOKEN": "t"]).failureProblems == [
                "notifications[0]: the URL is not an absolute http:// or https:// URL"
            ])
        let webhooks = try configuration.webhooks(
            environment: ["HOOK_URL": "https://hooks.example.com/x", "HOOK_TOKEN": "t"]
        ).get()
        #expect(webhooks.map(\.format) == [.json])
        #expect(webhooks[0].triggers == WebhookTrigger.defaultTriggers, "the default occasions")
        #expect(
            problems(#"{"notifications": [{"url": "https://x.example", "agents": ["ghost"]}], "agents": []}"#) == [
                "notifications[0].agents: no agent is named \"ghost\""
            ])
    }

    @Test func agentsAreBuiltWithTheirSecretsAndTheTimeoutOverride() throws {
        let configuration = try parse(
            #"""
            {"agents": [{"name": "a", "command": ["sh", "-c", "true"], "outputLimit": 2048,
              "env": {"PUBLIC": "1", "TOKEN": {"fromEnv": "SOURCE"}, "DROP": null}, "inheritEnv": false}]}
            """#)
        let agent = try AgentFactory.make(
            configuration.agents[0], configuration: configuration,
            environment: ["SOURCE": "tok", "AGENTCTL_TIMEOUT_SECONDS": "42"], path: "agents[0]")
        let environment = agent.base.configuration.environment
        #expect(environment.overrides == ["PUBLIC": "1", "TOKEN": "tok"])
        #expect(environment.secretNames == ["TOKEN"])
        #expect(environment.removals == ["DROP"])
        #expect(!environment.inheritsParent)
        #expect(agent.base.configuration.maximumOutputBytes == 2048)
        #expect(agent.policy.timeout == .seconds(42), "AGENTCTL_TIMEOUT_SECONDS replaces the default timeout")
        #expect(agent.base.configuration.logRoot.path == "/srv/agents/.agentctl/logs")
        #expect(agent.base.secretValues == ["tok"])

        #expect(throws: ProblemList.self) {
            try AgentFactory.make(
                configuration.agents[0], configuration: configuration, environment: [:], path: "agents[0]")
        }
        do {
            _ = try AgentFactory.make(
                configuration.agents[0], configuration: configuration,
                environment: ["SOURCE": "x", "AGENTCTL_TIMEOUT_SECONDS": "soon"], path: "agents[0]")
        } catch {
            #expect(error.problems.map(\.path) == ["agents[0].timeout"])
        }
    }
}

extension Result where Failure == ProblemList {
    /// The problems' descriptions, or nothing on success.
    var failureProblems: [String] {
        guard case .failure(let error) = self else { return [] }
        return error.problems.map(\.description)
    }
}

/// The runner settings the configuration carries.
struct RunnerSettingsParsingTests {
    let file = URL(fileURLWithPath: "/tmp/project/agentctl.json")

    @Test func misfireThresholdAndLeaseReachTheRunner() throws {
        let text = """
            {"misfireThreshold": "5m", "maxConcurrentRuns": 3,
             "agents": [{"name": "a", "command": ["true"], "schedule": "* * * * *", "lease": "4s"}]}
            """
        let configuration = try RunnerConfiguration.parse(text, file: file, environment: [:])
        #expect(configuration.misfireThreshold == .seconds(300))
        #expect(configuration.agents.first?.policy.leaseDuration == .seconds(4))
        let options = configuration.runnerOptions(webhooks: [], role: "test")
        #expect(options.scheduler.misfireThreshold == .seconds(300))
        #expect(options.scheduler.maximumConcurrentRuns == 3)
        #expect(options.role == "test")
    }

    @Test func theDefaultsAreSixtySecondsAndThirtySeconds() throws {
        let text = #"{"agents": [{"name": "a", "command": ["true"], "schedule": "* * * * *"}]}"#
        let configuration = try RunnerConfiguration.parse(text, file: file, environment: [:])
        #expect(configuration.misfireThreshold == .seconds(60))
        #expect(configuration.agents.first?.policy.leaseDuration == .seconds(30))
    }

    @Test func aBadThresholdOrLeaseIsReportedWithItsPath() {
        let text = """
            {"misfireThreshold": "0s",
             "agents": [{"name": "a", "command": ["true"], "schedule": "* * * * *", "lease": "soon"}]}
            """
        do {
            _ = try RunnerConfiguration.parse(text, file: file, environment: [:])
            Issue.record("the configuration was accepted")
        } catch {
            let paths = error.problems.map(\.path)
            #expect(paths == ["misfireThreshold", "agents[0].lease"])
        }
    }

    @Test func theDirectoryComesFromAnExplicitPathThenTheEnvironmentThenTheWorkingDirectory() {
        let cwd = URL(fileURLWithPath: "/work/project", isDirectory: true)
        let environment = ["AGENTCTL_HOME": "/var/lib/agentctl", "HOME": "/home/me"]
        #expect(
            RunnerConfiguration.storeDirectory(
                explicitPath: "data/store", environment: environment, currentDirectory: cwd
            )
            .path == "/work/project/data/store")
        #expect(
            RunnerConfiguration.storeDirectory(environment: environment, currentDirectory: cwd).path
                == "/var/lib/agentctl")
        #expect(
            RunnerConfiguration.storeDirectory(environment: ["AGENTCTL_HOME": ""], currentDirectory: cwd).path
                == "/work/project/.agentctl")
        #expect(
            RunnerConfiguration.storeDirectory(explicitPath: "~/runs", environment: environment, currentDirectory: cwd)
                .path == "/home/me/runs")
        #expect(
            RunnerConfiguration.storeDirectory(environment: [:], currentDirectory: cwd).path
                == "/work/project/.agentctl")
    }
}
