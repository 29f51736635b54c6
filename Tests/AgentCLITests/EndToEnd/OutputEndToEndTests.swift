import AgentCore
import Foundation
import ProcessTestSupport
import Testing

/// `runs`, `show`, `validate`, `backfill` and `health` on the built binary: their outputs parse back.
struct OutputEndToEndTests {
    @Test func runsPrintsCSVAndJSONThatParseBackAndPage() async throws {
        let home = try TestHome(agents: [
            #"{"name": "ok", "command": ["sh", "-c", "echo fine"]}"#,
            #"{"name": "bad", "command": ["sh", "-c", "echo 'quote \" and, comma' >&2; exit 2"]}"#,
        ])
        defer { home.remove() }
        for agent in ["ok", "bad", "ok", "bad", "ok"] { _ = try await home.run(["run", agent]) }

        let json = try await home.run(["runs", "--json"])
        #expect(json.status == 0)
        let page = try JSONDecoder().decode(ServeEndToEndTests.RunsPage.self, from: Data(json.out.utf8))
        #expect(page.runs.count == 5)
        #expect(page.runs.map(\.id) == page.runs.map(\.id).sorted(by: >), "newest first")

        let csv = try await home.run(["runs", "--csv"])
        #expect(csv.status == 0)
        let rows = CSV.parse(csv.out)
        #expect(rows.first?.prefix(3) == ["id", "agent", "status"])
        #expect(rows.dropFirst().map { $0[0] } == page.runs.map(\.id.rawValue))
        let errorColumn = try #require(rows.first?.firstIndex(of: "errorMessage"))
        #expect(rows.dropFirst().contains { $0[errorColumn].contains("quote \" and, comma") })

        let failed = try await home.run(["runs", "--json", "--status", "failed", "--agent", "bad"])
        let failedPage = try JSONDecoder().decode(ServeEndToEndTests.RunsPage.self, from: Data(failed.out.utf8))
        #expect(failedPage.runs.count == 2 && failedPage.runs.allSatisfy { $0.status == .failed })

        let first = try await home.run(["runs", "--json", "--limit", "3"])
        let firstPage = try JSONDecoder().decode(ServeEndToEndTests.RunsPage.self, from: Data(first.out.utf8))
        let cursor = try #require(firstPage.nextCursor)
        let second = try await home.run(["runs", "--json", "--limit", "3", "--cursor", cursor])
        let secondPage = try JSONDecoder().decode(ServeEndToEndTests.RunsPage.self, from: Data(second.out.utf8))
        #expect((firstPage.runs + secondPage.runs).map(\.id) == page.runs.map(\.id))
        #expect(secondPage.nextCursor == nil)

        let show = try await home.run(["show", "latest", "--json"])
        #expect(try JSONDecoder().decode(RunRecord.self, from: Data(show.out.utf8)) == page.runs.first)
        #expect(try await home.run(["runs", "--status", "finished"]).status == 2)
        #expect(try await home.run(["runs", "--cursor", "nonsense"]).status == 2)
    }

    @Test func validateReportsEveryProblemWithItsJSONPath() async throws {
        let home = try TestHome(
            config: """
                {
                  "agents": [
                    {"name": "ok", "command": ["true"], "schedule": "0 2 * * *"},
                    {"name": "ok", "command": ["true"]},
                    {"name": "bad-cron", "command": ["true"], "schedule": "60 * * * *"},
                    {"name": "typo", "command": ["true"], "timout": "5m"},
                    {"name": "bad/name", "command": ["true"], "timeZone": "Mars/Base", "schedule": "@daily"},
                    {"name": "pattern", "command": ["true"], "failurePatterns": [{"pattern": "(", "class": "rateLimited"}]}
                  ]
                }
                """)
        defer { home.remove() }
        let result = try await home.run(["validate"])
        #expect(result.status == 2)
        let expected = [
            "agents[1].name: \"ok\" is already the name of agents[0]",
            "agents[2].schedule: minute: 60 is out of range 0-59",
            "agents[3].timout: unknown key \"timout\"; did you mean \"timeout\"?",
            "agents[4].name: \"bad/name\" is not a valid name",
            "agents[4].timeZone: unknown time zone \"Mars/Base\"",
            "agents[5].failurePatterns[0].pattern:",
        ]
        for text in expected { #expect(result.err.contains(text), "missing: \(text)\n\(result.err)") }
        #expect(result.err.contains("agentctl.json:5:59: agents[2].schedule"), "problems carry line and column")

        let json = try await home.run(["validate", "--json"])
        #expect(json.status == 2)
        let object = try #require(try JSONValue.parse(json.out).objectValue)
        #expect(object["valid"] == false)
        guard case .array(let problems)? = object["problems"] else {
            Issue.record("no problems array")
            return
        }
        #expect(problems.count == 6)
        #expect(problems.contains { $0["path"] == "agents[2].schedule" && $0["line"] == 5 })
    }

    @Test func aValidConfigurationIsDescribed() async throws {
        let home = try TestHome(agents: [
            #"{"name": "nightly", "command": ["true"], "schedule": "30 2 * * *", "timeZone": "Europe/Berlin"}"#
        ])
        defer { home.remove() }
        let result = try await home.run(["validate"])
        #expect(result.status == 0, "\(result.err)")
        #expect(result.out.contains("valid, 1 agent"))
        #expect(result.out.contains("at 02:30 every day (Europe/Berlin)"))
        let syntax = try TestHome(config: "{\"agents\": [,]}")
        defer { syntax.remove() }
        let broken = try await syntax.run(["validate"])
        #expect(broken.status == 2)
        #expect(broken.err.contains("agentctl.json:1:13: expected a value, found ','"))
    }

    @Test func backfillRunsEachDateOnceAndSeesTheDate() async throws {
        let home = try TestHome(agents: [
            #"""
            {"name": "daily", "workingDirectory": ".",
             "command": ["sh", "-c", "echo $AGENTCTL_BUSINESS_DATE >> dates.txt; [ $AGENTCTL_BUSINESS_DATE != 2026-05-02 ]"]}
            """#
        ])
        defer { home.remove() }
        let first = try await home.run(["backfill", "daily", "--from", "2026-05-01", "--to", "2026-05-03"])
        #expect(first.status == 1, "one date fails")
        let second = try await home.run(["backfill", "daily", "--from", "2026-05-01", "--to", "2026-05-03", "--json"])
        #expect(second.status == 1)
        let lines = second.lines.compactMap { try? JSONValue.parse($0).objectValue }
        #expect(lines.map { $0["disposition"]?.stringValue } == ["alreadyDone", "executed", "alreadyDone"])
        let dates = try String(contentsOf: home.directory.appendingPathComponent("dates.txt"), encoding: .utf8)
        #expect(dates.split(separator: "\n").sorted() == ["2026-05-01", "2026-05-02", "2026-05-02", "2026-05-03"])
    }

    @Test func healthExitsOneWhenAnAgentFails() async throws {
        let home = try TestHome(agents: [
            #"{"name": "good", "command": ["true"]}"#, #"{"name": "flaky", "command": ["false"]}"#,
        ])
        defer { home.remove() }
        _ = try await home.run(["run", "good"])
        #expect(try await home.run(["health"]).status == 0, "no run failed yet")
        _ = try await home.run(["run", "flaky"])
        let health = try await home.run(["health", "--json"])
        #expect(health.status == 1)
        let object = try #require(try JSONValue.parse(health.out).objectValue)
        #expect(object["healthy"] == false)
        #expect(health.out.contains("\"state\":\"failing\""))
    }
}

/// A minimal RFC 4180 reader for the tests.
enum CSV {
    static func parse(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var characters = Array(text)[...]
        while let character = characters.popFirst() {
            if quoted {
                if character == "\"" {
                    if characters.first == "\"" {
                        field.append("\"")
                        characters.removeFirst()
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"": quoted = true
            case ",":
                row.append(field)
                field = ""
            case "\r\n", "\n":
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            default: field.append(character)
            }
        }
        if !field.isEmpty || !row.isEmpty { rows.append(row + [field]) }
        return rows
    }
}
