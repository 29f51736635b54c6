import AgentCore
import AgentScheduling
import Foundation

/// `agentctl bench cron`: how long one `next(after:)` takes, for the expressions and zones issue 3 names, and how
/// long parsing takes.
enum CronBenchmark {
    static let help = """
        USAGE: agentctl bench cron [--calls N] [--batches B] [--baseline-calls K] [--json]

        For each expression, N successive next(after:) calls (default 100000) starting at 2024-01-01T00:00 in
        the expression's zone, each call starting from the previous fire time, fewer where the schedule passes
        year 9000. The calls are timed in B batches (default 20); the figure is the median batch's nanoseconds
        per call. Parse time is the median of 20 batches of 50 parses (zone lookup included).
        Baseline, measured in the same run, for the 11 expressions that a DateComponents can state (one value or
        any in each field, and not both day fields): Foundation's Calendar.nextDate(after:matching:) for the
        same fields in the same zone, K successive calls (default 2000, fewer past year 9000) timed the same way. The ratio is the
        median ns per next(after:) over the median ns per Calendar.nextDate; the summary is the median of
        those ratios, the machine-independent figure to compare. Targets: a median of at most 200 ns per call
        on a release build (cron ran at the same speed on every machine tried), and a ratio of at most 0.1.
        """

    /// The fields of each expression that Foundation's `Calendar.nextDate(after:matching:)` can match, for the
    /// baseline; expressions with ranges, steps, lists or both day fields have none.
    static let calendarEquivalents: [String: DateComponents] = [
        "* * * * *": DateComponents(second: 0),
        "0 * * * *": DateComponents(minute: 0, second: 0),
        "0 0 * * *": DateComponents(hour: 0, minute: 0, second: 0),
        "0 2 * * 0": DateComponents(hour: 2, minute: 0, second: 0, weekday: 1),
        "0 0 1 * *": DateComponents(day: 1, hour: 0, minute: 0, second: 0),
        "0 0 1 1 *": DateComponents(month: 1, day: 1, hour: 0, minute: 0, second: 0),
        "0 0 29 2 *": DateComponents(month: 2, day: 29, hour: 0, minute: 0, second: 0),
        "59 23 31 12 *": DateComponents(month: 12, day: 31, hour: 23, minute: 59, second: 0),
        "15 2 * * *": DateComponents(hour: 2, minute: 15, second: 0),
        "30 2 * * *": DateComponents(hour: 2, minute: 30, second: 0),
        "45 3 * * *": DateComponents(hour: 3, minute: 45, second: 0),
    ]

    /// The target ratio of `next(after:)` to `Calendar.nextDate(after:matching:)` (median over the expressions).
    static let targetRatio = 0.1

    /// The expressions and zones of issue 3.
    static let cases: [(expression: String, zone: String)] = [
        ("* * * * *", "UTC"), ("*/5 * * * *", "UTC"), ("0 * * * *", "UTC"), ("0 0 * * *", "UTC"),
        ("0 9 * * 1-5", "UTC"), ("*/30 9-17 * * 1-5", "UTC"), ("0 2 * * 0", "UTC"), ("0 0 1 * *", "UTC"),
        ("0 0 1 1 *", "UTC"), ("0 0 29 2 *", "UTC"), ("0 0 13 * 5", "UTC"), ("0 0 */100,13 * 5", "UTC"),
        ("5,35 */2 1-15 * *", "UTC"), ("0 12 * JAN,APR,JUL,OCT MON", "UTC"), ("59 23 31 12 *", "UTC"),
        ("15 2 * * *", "America/New_York"), ("*/5 * * * *", "America/New_York"), ("30 2 * * *", "Europe/Berlin"),
        ("0 */6 * * *", "Australia/Lord_Howe"), ("45 3 * * *", "Pacific/Chatham"),
    ]

    /// The target median, in nanoseconds per call.
    static let targetNanoseconds = 200.0

    /// One expression's figures.
    struct Result: Encodable {
        var expression: String
        var zone: String
        var calls: Int
        var medianNanoseconds: Double
        var parseNanoseconds: Double
        /// Median ns per `Calendar.nextDate(after:matching:)` for the same fields, if a `DateComponents` states them.
        var baselineNanoseconds: Double?
        /// `medianNanoseconds / baselineNanoseconds`.
        var ratio: Double?
    }

    /// The whole report, as printed with `--json`.
    struct Report: Encodable {
        var benchmark = "cron"
        var callsPerExpression: Int
        var batches: Int
        var targetNanoseconds: Double
        var maximumMedianNanoseconds: Double
        var meetsTarget: Bool
        var baselineCalls: Int
        var baselineDescription =
            "Foundation Calendar.nextDate(after:matching:) for the same fields and zone, where DateComponents can say them"
        var medianRatio: Double
        var targetRatio: Double
        var meetsTargetRatio: Bool
        var results: [Result]
    }

    static func run(_ arguments: [String], io: CommandIO) async -> Int32 {
        let calls: Int
        let batches: Int
        let baselineCalls: Int
        let json: Bool
        do {
            let parsed = try ParsedArguments(
                arguments, valueOptions: ["calls", "batches", "baseline-calls"], flagOptions: ["json"])
            calls = try parsed.integer("calls", default: 100_000, range: 1...100_000_000)
            batches = try parsed.integer("batches", default: 20, range: 1...10_000)
            baselineCalls = try parsed.integer("baseline-calls", default: 2000, range: 1...100_000_000)
            json = parsed.has("json")
        } catch {
            io.printError("agentctl bench cron: \(error.message)")
            return ExitCode.usage
        }
        var results: [Result] = []
        for (text, zoneName) in cases {
            guard let zone = TimeZone(identifier: zoneName) else {
                io.printError("agentctl bench cron: this system does not know the time zone \(zoneName)")
                return ExitCode.failure
            }
            do {
                var result = try measure(text, in: zone, named: zoneName, calls: calls, batches: batches)
                if let components = calendarEquivalents[text] {
                    let baseline = measureCalendar(components, in: zone, calls: baselineCalls, batches: batches)
                    result.baselineNanoseconds = baseline
                    result.ratio = Baselines.ratio(result.medianNanoseconds, to: baseline)
                }
                results.append(result)
            } catch {
                io.printError("agentctl bench cron: \(text): \(error)")
                return ExitCode.failure
            }
        }
        let worst = results.map(\.medianNanoseconds).max() ?? 0
        let medianRatio = Baselines.significant(OrchestratorBenchmark.percentile(results.compactMap(\.ratio), 0.5))
        if json {
            let report = Report(
                callsPerExpression: calls, batches: batches, targetNanoseconds: targetNanoseconds,
                maximumMedianNanoseconds: rounded(worst), meetsTarget: worst <= targetNanoseconds,
                baselineCalls: baselineCalls, medianRatio: medianRatio, targetRatio: targetRatio,
                meetsTargetRatio: medianRatio <= targetRatio, results: results)
            do {
                io.print(try JSONLines.encode(report))
            } catch {
                io.printError("agentctl bench cron: \(error)")
                return ExitCode.failure
            }
        } else {
            var table = TextTable([
                "EXPRESSION", "ZONE", "CALLS", "MEDIAN NS/CALL", "PARSE NS", "CALENDAR NS/CALL", "RATIO",
            ])
            for result in results {
                table.add([
                    result.expression, result.zone, "\(result.calls)", format(result.medianNanoseconds),
                    format(result.parseNanoseconds), result.baselineNanoseconds.map(format) ?? "-",
                    result.ratio.map { Baselines.format(ratio: $0) } ?? "-",
                ])
            }
            io.print(table.render())
            io.print("")
            io.print(
                "Slowest median: \(format(worst)) ns per next(after:) — target ≤ \(format(targetNanoseconds)) ns: "
                    + (worst <= targetNanoseconds ? "met" : "NOT met"))
            io.print(
                "Median ratio to Foundation's Calendar.nextDate (same fields, same zone, \(baselineCalls) calls): "
                    + "\(Baselines.format(ratio: medianRatio)) — target ≤ \(Baselines.format(ratio: targetRatio)): "
                    + (medianRatio <= targetRatio ? "met" : "NOT met"))
            io.print("Compare the ratio across machines; ns per call are this machine's.")
        }
        return ExitCode.success
    }

    /// Times one expression.
    /// - Parameter zoneName: The zone as named in the report (Foundation reports `UTC` as `GMT`).
    static func measure(
        _ text: String, in zone: TimeZone, named zoneName: String, calls: Int, batches: Int
    ) throws(CronParseError) -> Result {
        let clock = ContinuousClock()
        var expression = try CronExpression(text, timeZone: zone)
        var parseSamples: [Double] = []
        for _ in 0..<20 {
            let started = clock.now
            for _ in 0..<50 { expression = try CronExpression(text, timeZone: zone) }
            parseSamples.append((clock.now - started).timeInterval * 1e9 / 50)
        }

        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let start = calendar.date(from: DateComponents(year: 2024, month: 1, day: 1)) ?? Date(timeIntervalSince1970: 0)
        let limit = calendar.date(from: DateComponents(year: 9000, month: 1, day: 1)) ?? .distantFuture
        _ = expression.next(after: start)  // Builds the zone's table outside the timed batches.

        let batchSize = max(1, calls / batches)
        var cursor = start
        var done = 0
        var samples: [Double] = []
        var finished = false
        while done < calls && !finished {
            let size = min(batchSize, calls - done)
            var count = 0
            let started = clock.now
            while count < size {
                guard let fire = expression.next(after: cursor), fire < limit else {
                    finished = true
                    break
                }
                cursor = fire
                count += 1
            }
            let elapsed = clock.now - started
            if count > 0 { samples.append(elapsed.timeInterval * 1e9 / Double(count)) }
            done += count
        }
        return Result(
            expression: text, zone: zoneName, calls: done,
            medianNanoseconds: rounded(OrchestratorBenchmark.percentile(samples, 0.5)),
            parseNanoseconds: rounded(OrchestratorBenchmark.percentile(parseSamples, 0.5)))
    }

    /// The baseline: median ns per `Calendar.nextDate(after:matching:)` for `components` in `zone`, `calls`
    /// successive calls from 2024-01-01 (each from the previous match), timed in `batches` batches.
    static func measureCalendar(_ components: DateComponents, in zone: TimeZone, calls: Int, batches: Int) -> Double {
        let clock = ContinuousClock()
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let start = calendar.date(from: DateComponents(year: 2024, month: 1, day: 1)) ?? Date(timeIntervalSince1970: 0)
        let limit = calendar.date(from: DateComponents(year: 9000, month: 1, day: 1)) ?? .distantFuture
        _ = calendar.nextDate(after: start, matching: components, matchingPolicy: .nextTime)
        let batchSize = max(1, calls / batches)
        var cursor = start
        var done = 0
        var samples: [Double] = []
        while done < calls {
            let size = min(batchSize, calls - done)
            var count = 0
            let started = clock.now
            while count < size,
                let match = calendar.nextDate(after: cursor, matching: components, matchingPolicy: .nextTime),
                match < limit
            {
                cursor = match
                count += 1
            }
            let elapsed = clock.now - started
            guard count > 0 else { break }
            samples.append(elapsed.timeInterval * 1e9 / Double(count))
            done += count
        }
        return rounded(OrchestratorBenchmark.percentile(samples, 0.5))
    }

    private static func rounded(_ value: Double) -> Double {
        (value * 10).rounded() / 10
    }

    private static func format(_ value: Double) -> String {
        String(format: "%.1f", value)
    }
}
