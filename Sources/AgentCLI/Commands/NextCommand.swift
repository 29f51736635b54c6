import AgentCore
import AgentScheduling
import Foundation

/// `agentctl next EXPR`: the next fire times of a cron expression, to check a schedule before deploying it.
enum NextCommand: AgentCommand {
    static let name = "next"
    static let summary = "Print the next fire times of a cron expression"
    static let help = """
        USAGE: agentctl next <expression> [--tz ZONE] [--from TIME] [--count N] [--json]

        Prints the next N fire times of a cron expression, one ISO-8601 timestamp with seconds and UTC offset
        per line (2024-03-10T03:00:00-04:00), then the schedule in plain English. Quote the expression.

        EXPRESSION:
          Five fields (minute hour day-of-month month day-of-week), six with a leading seconds field, or a
          macro (@yearly @annually @monthly @weekly @daily @midnight @hourly). Debian cron semantics,
          daylight-saving rules included; see Docs/Cron.md.

        OPTIONS:
          --tz ZONE      IANA time zone the expression is evaluated in (default: the system zone)
          --from TIME    Start after this instant: 2024-03-10T01:30:00-05:00, 2024-03-10T06:30:00Z, or a
                         wall-clock time in --tz such as 2024-03-10T01:30 or 2024-03-10 (default: now)
          --count N      How many fire times (default 5, at most 10000)
          --json         Print a JSON array of timestamps instead, without the description

        EXAMPLES:
          agentctl next "*/15 9-17 * * MON-FRI" --tz Europe/Berlin
          agentctl next "30 2 * * *" --tz America/New_York --from 2024-03-09T12:00:00-05:00 --count 3

        EXIT STATUS: 0 on success, 2 for an invalid expression, zone, time or count (the reason on stderr).
        """

    static func run(_ arguments: [String], io: CommandIO) async -> Int32 {
        run(arguments, io: io, now: SystemClock().now)
    }

    /// Runs the command with an explicit "now" (the default `--from`), for tests.
    static func run(_ arguments: [String], io: CommandIO, now: Date) -> Int32 {
        guard let parsed = parse(arguments, io: io, options: ["tz", "from", "count"], flags: ["json"]) else {
            return helpRequested(arguments) ? ExitCode.success : ExitCode.usage
        }
        func fail(_ message: String) -> Int32 {
            io.printError("agentctl next: \(message)")
            return ExitCode.usage
        }
        guard !parsed.positionals.isEmpty else {
            return fail("give a cron expression, for example: agentctl next \"0 9 * * 1-5\"")
        }
        // An unquoted expression arrives as several arguments; rejoin them.
        let text = parsed.positionals.joined(separator: " ")
        let zone: TimeZone
        let zoneName: String  // As given: Foundation reports "UTC" as "GMT".
        if let identifier = parsed.value("tz") {
            guard let named = TimeZone(identifier: identifier) else {
                return fail("unknown time zone \"\(identifier)\"; use an IANA name such as Europe/Berlin or UTC")
            }
            zone = named
            zoneName = identifier
        } else {
            zone = TimeZone.current
            zoneName = zone.identifier
        }
        let count: Int
        do {
            count = try parsed.integer("count", default: 5, range: 1...10_000)
        } catch {
            return fail(error.message)
        }
        var start = now
        if let from = parsed.value("from") {
            guard let instant = Timestamps.parse(from, in: zone) else {
                return fail(
                    "--from must be an ISO-8601 time such as 2024-03-10T01:30:00-05:00, 2024-03-10T06:30:00Z, "
                        + "2024-03-10T01:30 or 2024-03-10, got \"\(from)\"")
            }
            start = instant
        }
        let expression: CronExpression
        do {
            expression = try CronExpression(text, timeZone: zone)
        } catch {
            io.printError("agentctl next: \(error)")
            if error.code != .tooLong {
                io.printError("  \(text)")
                io.printError("  " + String(repeating: " ", count: error.position) + "^")
            }
            return ExitCode.usage
        }
        let fires = expression.fireTimes(after: start).prefix(count).map { Timestamps.format($0, in: zone) }
        if parsed.has("json") {
            do {
                io.print(try JSONLines.encode(Array(fires)))
            } catch {
                io.printError("agentctl next: \(error)")
                return ExitCode.failure
            }
            return ExitCode.success
        }
        for fire in fires { io.print(fire) }
        if fires.count < count {
            io.print("(no further fire times before the end of year 9999)")
        }
        io.print("\(expression.description) (\(zoneName))")
        return ExitCode.success
    }

    /// ISO-8601 timestamps with seconds and a `±hh:mm` offset in a zone, on the proleptic Gregorian calendar the
    /// cron engine uses (Foundation's calendar switches to Julian dates before 1582). Built on AgentCore's
    /// ``Timestamp`` arithmetic, which writes and reads UTC.
    enum Timestamps {
        /// Formats an instant as `2024-03-10T03:00:00-04:00` in a zone (`+00:00` for UTC).
        static func format(_ date: Date, in zone: TimeZone) -> String {
            let offset = zone.secondsFromGMT(for: date)
            let local = Int64(date.timeIntervalSince1970.rounded(.down)) + Int64(offset)
            let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
            let second = Int(local - days * 86_400)
            let (year, month, day) = Timestamp.civilDate(fromDays: days)
            let sign = offset < 0 ? "-" : "+"
            let magnitude = abs(offset)
            return "\(pad(year, 4))-\(pad(month))-\(pad(day))T\(pad(second / 3600)):\(pad(second / 60 % 60)):"
                + "\(pad(second % 60))\(sign)\(pad(magnitude / 3600)):\(pad(magnitude / 60 % 60))"
        }

        /// Parses an ISO-8601 instant with an offset or `Z` (``Timestamp/parse(_:)``), or a wall-clock date and
        /// time in `zone`: `2024-03-10T01:30[:00]` or `2024-03-10`. A repeated wall time means its first
        /// occurrence; a skipped one the instant the clocks jump past it.
        static func parse(_ text: String, in zone: TimeZone) -> Date? {
            if let instant = Timestamp.parse(text) { return instant }
            let parts = text.split(separator: "T", omittingEmptySubsequences: false)
            guard parts.count <= 2 else { return nil }
            let date = parts[0].split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
            let time =
                parts.count == 2 ? parts[1].split(separator: ":", omittingEmptySubsequences: false).map { Int($0) } : []
            guard date.count == 3, let year = date[0], let month = date[1], let day = date[2],
                (1...9999).contains(year), (1...12).contains(month),
                (1...Timestamp.daysInMonth(year: year, month: month)).contains(day),
                parts.count == 1 || (2...3).contains(time.count)
            else { return nil }
            let values = time.compactMap { $0 }
            guard values.count == time.count else { return nil }
            let hour = values.first ?? 0
            let minute = values.count > 1 ? values[1] : 0
            let second = values.count > 2 ? values[2] : 0
            guard (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second) else { return nil }
            let local =
                Int(Timestamp.daysFromCivil(year: year, month: month, day: day)) * 86_400 + hour * 3600 + minute * 60
                + second
            // The first instant whose wall clock shows `local`: try the offsets in force around it.
            let guess = Date(timeIntervalSince1970: Double(local))
            let offsets = Set(
                [-86_400, 0, 86_400].map { zone.secondsFromGMT(for: guess.addingTimeInterval(Double($0))) })
            let candidates = offsets.map { local - $0 }.filter {
                zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double($0))) + $0 == local
            }
            if let first = candidates.min() { return Date(timeIntervalSince1970: Double(first)) }
            // A wall time skipped by a daylight-saving jump: the wall clock first shows it (or later) at the jump.
            let before = zone.secondsFromGMT(for: guess.addingTimeInterval(-86_400))
            let searchFrom = Date(timeIntervalSince1970: Double(local - before - 86_400))
            return zone.nextDaylightSavingTimeTransition(after: searchFrom)
                ?? Date(timeIntervalSince1970: Double(local - before))
        }

        private static func pad(_ value: Int, _ width: Int = 2) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
    }
}
