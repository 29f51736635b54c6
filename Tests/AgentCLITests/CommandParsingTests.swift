import AgentCore
import AgentScheduling
import Foundation
import Testing

@testable import AgentCLI

/// Argument handling, formatting and small pieces of the commands, in process.
struct CommandParsingTests {
    func capture(_ body: (CommandIO) async -> Int32) async -> (status: Int32, out: String, err: String) {
        let (io, captured) = CommandIO.capturing()
        let status = await body(io)
        let (out, err) = captured()
        return (status, out, err)
    }

    @Test(arguments: [
        ("30s", Duration.seconds(30)), ("5m", .seconds(300)), ("1h30m", .seconds(5400)), ("500ms", .milliseconds(500)),
        ("2d", .seconds(172_800)), ("90", .seconds(90)), ("1.5", .milliseconds(1500)),
        ("1m30s250ms", .milliseconds(90_250)), ("1.5m", .seconds(90)),
    ])
    func durationsAreRead(text: String, expected: Duration) {
        #expect(DurationText.parse(text) == expected)
    }

    @Test func badDurationsAreRefusedAndFormatsRoundTrip() {
        for text in ["", "m", "5 m", "-5s", "5x", "1..5m", "inf", "nan"] {
            #expect(DurationText.parse(text) == nil, "\(text)")
        }
        for text in ["1h30m", "45s", "250ms", "1d2h", "0s", "1.5s"] {
            #expect(DurationText.format(DurationText.parse(text) ?? .zero) == text)
        }
    }

    @Test func parametersMergeJSONAndKeyValuePairs() throws {
        let parsed = try ParsedArguments(
            ["--params", #"{"limit": 5, "repo": "x"}"#, "--param", "repo=api", "--param", "query=a=b"],
            valueOptions: ["param", "params"], flagOptions: [])
        #expect(try RunCommand.parameters(parsed).get() == ["limit": 5, "repo": "api", "query": "a=b"])
        let bad = try ParsedArguments(["--param", "=x"], valueOptions: ["param"], flagOptions: [])
        #expect(throws: UsageError.self) { try RunCommand.parameters(bad).get() }
        let notObject = try ParsedArguments(["--params", "[1]"], valueOptions: ["params"], flagOptions: [])
        #expect(throws: UsageError.self) { try RunCommand.parameters(notObject).get() }
    }

    @Test func exitStatusesFollowTheRecord() throws {
        let request = AgentRunRequest(agent: "a")
        var record = RunRecord(id: try RunID("01JD5X3K6Y8M2Q4R7T9V0W1X2Y"), request: request, queuedAt: Date())
        func status(_ status: RunStatus, _ failureClass: FailureClass? = nil) -> Int32 {
            record.status = status
            record.errorClass = failureClass
            return RunCommand.exitStatus(for: record)
        }
        #expect(status(.succeeded) == 0)
        #expect(status(.noOp) == 0)
        #expect(status(.failed, .transient) == 1)
        #expect(status(.failed, .permanent) == 1)
        #expect(status(.failed, .rateLimited) == 10)
        #expect(status(.timedOut, .timeout) == 11)
        #expect(status(.cancelled, .cancelled) == 1)
        #expect(status(.abandoned) == 1)
    }

    @Test func theCommandLearnsItsRunThroughVariables() throws {
        let request = AgentRunRequest(
            agent: "report", trigger: .scheduled(at: Date(timeIntervalSince1970: 1_767_225_600)),
            parameters: ["repo": "api", "max-items": 5, "deep": ["x": 1]], businessDate: try BusinessDate("2026-01-01"))
        let variables = Dictionary(
            uniqueKeysWithValues: ConfiguredAgent.variables(
                for: request, runID: try RunID("01JD5X3K6Y8M2Q4R7T9V0W1X2Y"), attempt: 2))
        #expect(
            variables == [
                "AGENTCTL_AGENT": "report", "AGENTCTL_RUN_ID": "01JD5X3K6Y8M2Q4R7T9V0W1X2Y", "AGENTCTL_ATTEMPT": "2",
                "AGENTCTL_TRIGGER": "scheduled", "AGENTCTL_SCHEDULED_AT": "2026-01-01T00:00:00.000Z",
                "AGENTCTL_BUSINESS_DATE": "2026-01-01",
                "AGENTCTL_PARAMETERS": #"{"deep":{"x":1},"max-items":5,"repo":"api"}"#, "AGENTCTL_PARAM_REPO": "api",
                "AGENTCTL_PARAM_MAX_ITEMS": "5",
            ])
    }

    @Test func eventsPrintAsAlignedTextOrJSONLines() throws {
        let event = RunEvent(
            kind: .runFailed, timestamp: Date(timeIntervalSince1970: 1_767_225_600), agentName: "report",
            runID: try RunID("01JD5X3K6Y8M2Q4R7T9V0W1X2Y"), attempt: 2, status: .failed, message: "exit status 1")
        #expect(
            EventFormatter(json: false, verbose: false).line(for: event)
                == "2026-01-01T00:00:00.000Z runFailed             report           01JD5X3K6Y8M2Q4R7T9V0W1X2Y "
                + "attempt 2  failed  exit status 1")
        #expect(EventFormatter(json: true, verbose: false).line(for: event) == event.jsonLine)
        let log = RunEvent(kind: .runLog, timestamp: Date(), message: "output")
        #expect(EventFormatter(json: false, verbose: false).line(for: log) == nil)
        #expect(EventFormatter(json: false, verbose: true).line(for: log) != nil)
    }

    @Test func timeArgumentsAcceptInstantsDatesAndDurationsBack() throws {
        let now = Date(timeIntervalSince1970: 1_767_225_600)
        let utc = try #require(TimeZone(identifier: "UTC"))
        #expect(TimeArgument.parse("2026-05-01T08:00:00Z", now: now) == Date(timeIntervalSince1970: 1_777_622_400))
        #expect(TimeArgument.parse("2026-05-01", now: now, zone: utc) == Date(timeIntervalSince1970: 1_777_593_600))
        #expect(TimeArgument.parse("24h", now: now) == now.addingTimeInterval(-86_400))
        #expect(TimeArgument.parse("90", now: now) == nil, "a bare number is ambiguous")
        #expect(TimeArgument.parse("yesterday", now: now) == nil)
    }

    @Test func everyCommandHasHelpAndRejectsUnknownOptions() async {
        for command in CommandRouter.commands where command.name != BenchCommand.name {
            let help = await capture { await command.run(["--help"], io: $0) }
            #expect(help.status == 0, "\(command.name) --help")
            #expect(help.out.contains("USAGE: agentctl \(command.name)"), "\(command.name) --help")
            let bad = await capture { await command.run(["--no-such-option"], io: $0) }
            #expect(bad.status == 2, "\(command.name) --no-such-option")
        }
    }

    @Test func theOverviewListsEveryCommandAndTheExitStatuses() async {
        let result = await capture { await CommandRouter.run(["--help"], io: $0) }
        for command in CommandRouter.commands { #expect(result.out.contains("  \(command.name) ")) }
        #expect(result.out.contains("10 rate limited, 11 timed out"))
        let unknown = await capture { await CommandRouter.run(["frobnicate"], io: $0) }
        #expect(unknown.status == 2)
    }

    @Test(arguments: BenchCommand.benchmarks.map(\.name))
    func everyBenchmarkPrintsItsOwnHelpWithoutRunning(_ name: String) async {
        let result = await capture { await CommandRouter.run(["bench", name, "--help"], io: $0) }
        #expect(result.status == 0)
        #expect(result.out.hasPrefix("USAGE: agentctl bench \(name)"))
    }
}
