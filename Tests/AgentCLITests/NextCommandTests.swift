import Foundation
import ProcessTestSupport
import Testing

@testable import AgentCLI

/// `agentctl next`: in process (argument handling), then end to end on the built binary.
struct NextCommandTests {
    static let noon = Date(timeIntervalSince1970: 1_710_000_000)  // 2024-03-09T16:00:00Z

    func run(_ arguments: [String]) -> (status: Int32, out: String, err: String) {
        let (io, captured) = CommandIO.capturing()
        let status = NextCommand.run(arguments, io: io, now: Self.noon)
        let (out, err) = captured()
        return (status, out, err)
    }

    @Test func printsTheNextFireTimesAndTheDescription() {
        let result = run(["30 2 * * *", "--tz", "America/New_York", "--count", "3"])
        #expect(result.status == 0)
        #expect(
            result.out == """
                2024-03-10T03:00:00-04:00
                2024-03-11T02:30:00-04:00
                2024-03-12T02:30:00-04:00
                at 02:30 every day (America/New_York)

                """)
        #expect(result.err.isEmpty)
    }

    @Test func defaultsToFiveFireTimesFromNow() {
        let result = run(["@hourly", "--tz", "UTC"])
        #expect(result.status == 0)
        let lines = result.out.split(separator: "\n")
        #expect(lines.count == 6)
        #expect(lines.first == "2024-03-09T17:00:00+00:00")
        #expect(lines.last == "every hour at minute 0 (UTC)")
    }

    @Test func printsAJSONArray() {
        let result = run([
            "*/20 * * * *", "--tz", "Asia/Kolkata", "--from", "2024-01-01T00:00:00Z", "--count", "2", "--json",
        ])
        #expect(result.status == 0)
        #expect(result.out == "[\"2024-01-01T05:40:00+05:30\",\"2024-01-01T06:00:00+05:30\"]\n")
    }

    @Test func fromAcceptsOffsetsUTCAndWallClockTimes() {
        let zone = ["--tz", "America/New_York", "--count", "1"]
        #expect(
            run(["0 * * * *", "--from", "2024-11-03T01:30:00-04:00"] + zone).out.hasPrefix("2024-11-03T01:00:00-05:00"))
        #expect(run(["0 * * * *", "--from", "2024-11-03T05:30:00Z"] + zone).out.hasPrefix("2024-11-03T01:00:00-05:00"))
        // A repeated wall time means its first pass; a skipped one the end of the jump.
        #expect(run(["0 * * * *", "--from", "2024-11-03T01:30"] + zone).out.hasPrefix("2024-11-03T01:00:00-05:00"))
        #expect(run(["* * * * *", "--from", "2024-03-10T02:30"] + zone).out.hasPrefix("2024-03-10T03:01:00-04:00"))
        #expect(run(["0 0 * * *", "--from", "2024-03-10"] + zone).out.hasPrefix("2024-03-11T00:00:00-04:00"))
        #expect(
            run(["0 0 * * *", "--from", "2024-03-10T12:00:00.250-05:00"] + zone).out.hasPrefix(
                "2024-03-11T00:00:00-04:00"))
    }

    @Test func anUnquotedExpressionIsRejoined() {
        let result = run(["0", "9", "*", "*", "1-5", "--tz", "UTC", "--count", "1"])
        #expect(result.status == 0)
        #expect(result.out.hasPrefix("2024-03-11T09:00:00+00:00\nat 09:00 on Monday through Friday (UTC)"))
    }

    @Test func aScheduleThatRunsOutSaysSo() {
        let result = run(["0 0 1 1 *", "--tz", "UTC", "--from", "9998-06-01T00:00:00Z"])
        #expect(result.status == 0)
        #expect(result.out.hasPrefix("9999-01-01T00:00:00+00:00\n(no further fire times"))
    }

    @Test func anInvalidExpressionExitsWithStatus2AndTheReason() {
        let result = run(["0 0 31 2 *", "--tz", "UTC"])
        #expect(result.status == 2)
        #expect(result.out.isEmpty)
        #expect(
            result.err == """
                agentctl next: day-of-month: 31 never occurs in February (0 0 31 2 *)
                  0 0 31 2 *
                      ^

                """)
    }

    @Test(arguments: [
        ["* * * * *", "--tz", "Mars/Olympus_Mons"], ["* * * * *", "--count", "0"], ["* * * * *", "--count", "x"],
        ["* * * * *", "--from", "yesterday"], ["* * * * *", "--from", "2024-02-30"], [], ["* * * * *", "--bogus"],
        ["* * * *"],
    ])
    func usageErrorsExitWithStatus2(_ arguments: [String]) {
        let result = run(arguments)
        #expect(result.status == 2)
        #expect(result.out.isEmpty)
        #expect(result.err.hasPrefix("agentctl next"))
    }

    @Test func helpExitsWithStatus0() {
        let result = run(["--help"])
        #expect(result.status == 0)
        #expect(result.out.contains("USAGE: agentctl next"))
    }

    @Test func timestampsUseTheProlepticGregorianCalendar() throws {
        let utc = try #require(TimeZone(identifier: "UTC"))
        #expect(
            NextCommand.Timestamps.format(Date(timeIntervalSince1970: -62_135_596_800), in: utc)
                == "0001-01-01T00:00:00+00:00")
        let chatham = try #require(TimeZone(identifier: "Pacific/Chatham"))
        #expect(
            NextCommand.Timestamps.format(Date(timeIntervalSince1970: 1_727_533_800), in: chatham)
                == "2024-09-29T04:15:00+13:45")
    }
}

/// `agentctl next` end to end: launches the built binary and compares its output and exit status.
@Suite(.enabled(if: AgentctlBinary.hasNextCommand, "agentctl next is not registered in CommandRouter yet"))
struct NextCommandEndToEndTests {
    @Test func printsFireTimesAcrossTheSpringForwardNight() async throws {
        let result = try await AgentctlBinary.run([
            "next", "30 2 * * *", "--tz", "America/New_York", "--from", "2024-03-09T12:00:00-05:00", "--count", "3",
        ])
        #expect(result.status == 0)
        #expect(
            result.out
                == "2024-03-10T03:00:00-04:00\n2024-03-11T02:30:00-04:00\n2024-03-12T02:30:00-04:00\n"
                + "at 02:30 every day (America/New_York)\n")
        #expect(result.err.isEmpty)
    }

    @Test func printsJSON() async throws {
        let result = try await AgentctlBinary.run([
            "next", "*/30 1 * * *", "--tz", "America/New_York", "--from", "2024-11-03T00:45:00-04:00", "--count", "4",
            "--json",
        ])
        #expect(result.status == 0)
        #expect(
            result.out
                == "[\"2024-11-03T01:00:00-04:00\",\"2024-11-03T01:30:00-04:00\",\"2024-11-03T01:00:00-05:00\","
                + "\"2024-11-03T01:30:00-05:00\"]\n")
    }

    @Test func rejectsAnInvalidExpressionWithStatus2() async throws {
        let result = try await AgentctlBinary.run(["next", "60 * * * *", "--tz", "UTC"])
        #expect(result.status == 2)
        #expect(result.out.isEmpty)
        #expect(result.err.hasPrefix("agentctl next: minute: 60 is out of range 0-59\n"))
    }

    @Test func rejectsAnUnknownZoneWithStatus2() async throws {
        let result = try await AgentctlBinary.run(["next", "* * * * *", "--tz", "Nowhere/Special"])
        #expect(result.status == 2)
        #expect(result.err.contains("unknown time zone \"Nowhere/Special\""))
    }
}
