import AgentCore
import Foundation

extension AgentConfiguration {
    /// What the file's top level contributes to each agent.
    package struct ParseContext {
        package var directory: URL
        package var defaultTimeZone: String
        package var environment: [String: String]
    }

    /// The failure classes a pattern may assign (`timeout` and `cancelled` come from the run, not its output).
    package static let patternClasses: [FailureClass] = [.rateLimited, .permanent, .transient]

    /// Reads one agent at `path`; reports every problem and returns `nil` when it is unusable.
    ///
    /// With `impliedName` the entry is a plan task's inline command (`plans[i].tasks[j].run`): it takes that name,
    /// and it has neither a `name` nor a `schedule` of its own (its plan decides when it runs).
    package static func read(
        _ node: JSONNode, path: String, context: ParseContext, problems: ConfigReader.Problems,
        impliedName: AgentName? = nil
    ) -> AgentConfiguration? {
        guard let reader = ConfigReader(node, path: path, problems: problems) else { return nil }
        defer { reader.finish() }
        let before = problems.list.count

        var name: AgentName?
        if let impliedName {
            name = impliedName
            if reader.has("name") {
                reader.report(
                    "name", "an inline task is named after its plan and task (\"\(impliedName)\"); remove \"name\"")
            }
            for key in ["schedule", "timeZone"] where reader.has(key) {
                reader.report(key, "an inline task runs when its plan starts it; remove \"\(key)\"")
            }
        } else if let text = reader.string("name", required: "the agent's name, for example \"nightly-review\"") {
            do {
                name = try AgentName(text)
            } catch {
                reader.report("name", "\"\(text)\" is not a valid name: \(error.reason)")
            }
        }
        let command = readCommand(reader)
        let environment = readEnvironment(reader)
        let inherits = reader.bool("inheritEnv") ?? true
        let workingDirectory = reader.nonEmptyString("workingDirectory").map {
            RunnerConfiguration.resolve($0, against: context.directory, environment: context.environment).path
        }
        let schedule: ScheduleConfiguration? =
            impliedName == nil ? readSchedule(reader, defaultTimeZone: context.defaultTimeZone) : .manualOnly
        let timeout = reader.duration("timeout", minimum: .seconds(1))
        let terminationGrace = reader.duration("terminationGracePeriod")
        let lease = reader.duration("lease", minimum: .seconds(1))
        let outputLimit = readByteCount(reader, "outputLimit")
        let retry = readRetry(reader)
        let priority = reader.choice("priority", RunPriority.allCases.map(\.description)).flatMap(
            RunPriority.init(name:))
        let overlap = reader.choice("overlap", ["skip", "queue", "replace", "allow"]).flatMap(OverlapPolicy.init(name:))
        let misfire = readMisfire(reader)
        var autoPause: Int? = 5
        if let member = reader.member("autoPauseAfter") {
            if case .bool(false) = member.value {
                autoPause = nil
            } else {
                autoPause = ConfigReader.integer(
                    member, path: reader.path("autoPauseAfter"), in: 1...10_000, problems: problems)
            }
        }
        let enabled = reader.bool("enabled") ?? true
        var owner = OwnerMetadata()
        owner.owner = reader.nonEmptyString("owner")
        owner.contact = reader.nonEmptyString("contact")
        owner.description = reader.string("description")
        if let labels = reader.object("labels") {
            for key in labels.keys {
                if let value = labels.string(key) { owner.labels[key] = value }
            }
            labels.finish()
        }
        let serviceLevel = readServiceLevel(reader)
        let patterns = readFailurePatterns(reader)
        let notifications = RunnerConfiguration.readNotifications(reader, agent: name)
        let approvalPattern = readApprovalPattern(reader)

        guard problems.list.count == before, let name, let command, let schedule else { return nil }
        var agent = AgentConfiguration(
            name: name, executable: command[0], arguments: Array(command.dropFirst()), environment: environment,
            inheritsEnvironment: inherits, workingDirectory: workingDirectory, schedule: schedule, timeout: timeout,
            terminationGracePeriod: terminationGrace, maximumOutputBytes: outputLimit, retry: retry ?? RetryPolicy(),
            priority: priority ?? .normal, overlap: overlap ?? .skip, misfire: misfire ?? .default,
            autoPauseAfterConsecutiveFailures: autoPause, isEnabled: enabled, owner: owner, failurePatterns: patterns,
            notifications: notifications, leaseDuration: lease, serviceLevel: serviceLevel)
        agent.approvalPattern = approvalPattern
        return agent
    }

    /// `"maxDuration": "45m"` and `"mustSucceedBy": "06:00"` (24-hour `HH:MM`, in the schedule's time zone).
    private static func readServiceLevel(_ reader: ConfigReader) -> ServiceLevel {
        let maxDuration = reader.duration("maxDuration", minimum: .seconds(1))
        var deadline: ServiceLevel.TimeOfDay?
        if let text = reader.string("mustSucceedBy") {
            deadline = ServiceLevel.TimeOfDay(parsing: text)
            if deadline == nil {
                reader.report(
                    "mustSucceedBy", "\"\(text)\" is not a time of day; write 24-hour HH:MM such as \"06:00\"")
            }
        }
        return ServiceLevel(maxDuration: maxDuration, mustSucceedBy: deadline)
    }

    /// `"command": ["program", "arg", …]`.
    private static func readCommand(_ reader: ConfigReader) -> [String]? {
        guard let node = reader.member("command") else {
            reader.report(
                nil, "missing \"command\": the program and its arguments, for example [\"claude\", \"-p\", \"review\"]")
            return nil
        }
        if case .string(let text) = node.value {
            let words = text.split(separator: " ").map { "\"\($0)\"" }.joined(separator: ", ")
            reader.report(
                "command",
                "expected an array of program and arguments, such as [\(words)]; agentctl starts the program "
                    + "directly, without a shell (write [\"sh\", \"-c\", \"…\"] for one)")
            return nil
        }
        guard let words = reader.strings("command") else { return nil }
        guard let first = words.first else {
            reader.report("command", "must name at least the program to run")
            return nil
        }
        guard !first.isEmpty else {
            reader.report("command", "the program (the first element) must not be empty")
            return nil
        }
        return words
    }

    /// `"env": {"NAME": "value" | {"value": …, "secret": true} | {"fromEnv": "VAR"} | null}`.
    package static func readEnvironment(_ reader: ConfigReader) -> [(name: String, value: ConfigValue?)] {
        guard let object = reader.object("env") else { return [] }
        defer { object.finish() }
        var result: [(String, ConfigValue?)] = []
        guard case .object(let members) = object.node.value else { return [] }
        for member in members {
            _ = object.member(member.key)
            let path = object.path(member.key)
            guard EnvironmentName.isValid(member.key) else {
                reader.problems.report(
                    path, "\"\(member.key)\" is not an environment variable name (letters, digits and _)",
                    at: member.node)
                continue
            }
            if case .null = member.node.value {
                result.append((member.key, nil))
            } else if let value = ConfigValue.read(member.node, path: path, problems: reader.problems) {
                result.append((member.key, value))
            }
        }
        return result
    }

    /// `"schedule"`: cron text, `{"every": "30s"}`, `{"cron": "…"}` or `"manual"`; `"timeZone"` beside it.
    package static func readSchedule(_ reader: ConfigReader, defaultTimeZone: String) -> ScheduleConfiguration? {
        let zoneName = reader.nonEmptyString("timeZone")
        let scheduleNode = reader.member("schedule")
        if let zoneName, TimeZone(identifier: zoneName) == nil {
            reader.report("timeZone", RunnerConfiguration.unknownZone(zoneName))
            return nil
        }
        guard let node = scheduleNode else {
            if zoneName != nil { reader.report("timeZone", "a time zone needs a cron \"schedule\"") }
            return .manualOnly
        }
        let path = reader.path("schedule")
        let configuration: ScheduleConfiguration
        switch node.value {
        case .string(let text) where text == "manual":
            configuration = .manualOnly
        case .string(let text):
            configuration = .cron(text, timeZone: zoneName ?? defaultTimeZone)
        case .object:
            guard let object = ConfigReader(node, path: path, problems: reader.problems) else { return nil }
            defer { object.finish() }
            let cron = object.nonEmptyString("cron")
            let every = object.duration("every", minimum: .milliseconds(1))
            switch (cron, every) {
            case (let cron?, nil):
                configuration = .cron(cron, timeZone: zoneName ?? defaultTimeZone)
            case (nil, let every?):
                if zoneName != nil {
                    reader.report("timeZone", "an interval schedule has no time zone; remove \"timeZone\"")
                }
                configuration = .interval(every)
            case (.some, .some):
                object.report(nil, "give either \"cron\" or \"every\", not both")
                return nil
            case (nil, nil):
                if !object.has("cron") && !object.has("every") {
                    object.report(nil, "give \"every\": \"30s\" (an interval) or \"cron\": \"0 2 * * *\"")
                }
                return nil
            }
        default:
            reader.problems.report(
                path,
                "expected cron text such as \"30 2 * * *\", {\"every\": \"15m\"} or \"manual\", found "
                    + node.kindDescription, at: node)
            return nil
        }
        do {
            _ = try Schedule(configuration)
            _ = try AgentScheduler.validate(configuration, from: Date(), count: 1)
        } catch let error as Schedule.ResolutionError {
            reader.problems.report(path, error.cronError?.description ?? error.message, at: node)
            return nil
        } catch let error as SchedulerError {
            reader.problems.report(path, error.message, at: node)
            return nil
        } catch {
            reader.problems.report(path, "\(error)", at: node)
            return nil
        }
        return configuration
    }

    /// `"retry": 3` (retries with the default backoff), `false` (none) or an object.
    private static func readRetry(_ reader: ConfigReader) -> RetryPolicy? {
        guard let node = reader.member("retry") else { return nil }
        let path = reader.path("retry")
        switch node.value {
        case .bool(false):
            return .never
        case .integer, .double:
            return ConfigReader.integer(node, path: path, in: 0...100, problems: reader.problems).map {
                RetryPolicy(maximumRetries: $0)
            }
        case .object:
            guard let object = ConfigReader(node, path: path, problems: reader.problems) else { return nil }
            defer { object.finish() }
            let defaults = RetryPolicy()
            let initial = object.duration("initialDelay") ?? defaults.initialDelay
            let maximum = object.duration("maxDelay") ?? max(defaults.maximumDelay, initial)
            if maximum < initial {
                object.report("maxDelay", "must not be shorter than initialDelay (\(DurationText.format(initial)))")
            }
            return RetryPolicy(
                maximumRetries: object.integer("maxRetries", in: 0...100) ?? defaults.maximumRetries,
                initialDelay: initial, multiplier: object.number("multiplier", in: 1...100) ?? defaults.multiplier,
                maximumDelay: maximum, jitter: object.number("jitter", in: 0...1) ?? defaults.jitter,
                retriesTimeouts: object.bool("retryTimeouts") ?? defaults.retriesTimeouts)
        default:
            reader.problems.report(
                path,
                "expected a number of retries, false, or an object such as {\"maxRetries\": 2}, found "
                    + node.kindDescription, at: node)
            return nil
        }
    }

    /// `"misfire": "skip" | "runOnce" | "runAll"` or `{"policy": …, "limit": …, "catchUpWindow": …}`.
    private static func readMisfire(_ reader: ConfigReader) -> MisfirePolicy? {
        guard let node = reader.member("misfire") else { return nil }
        let names = ["skip", "runOnce", "runAll"]
        var name: String?
        var limit: Int?
        var window: Duration?
        switch node.value {
        case .string:
            name = reader.choice("misfire", names)
        case .object:
            guard let object = ConfigReader(node, path: reader.path("misfire"), problems: reader.problems) else {
                return nil
            }
            defer { object.finish() }
            name = object.choice("policy", names)
            if !object.has("policy") { object.report(nil, "missing \"policy\": \"skip\", \"runOnce\" or \"runAll\"") }
            limit = object.integer("limit", in: 1...100_000)
            window = object.duration("catchUpWindow", minimum: .seconds(1))
            if name != "runAll" && object.has("limit") {
                object.report("limit", "only the \"runAll\" policy has a limit")
            }
        default:
            reader.problems.report(
                reader.path("misfire"),
                "expected \"skip\", \"runOnce\", \"runAll\" or an object, found "
                    + node.kindDescription, at: node)
            return nil
        }
        let catchUp = window ?? .seconds(86_400)
        switch name {
        case "skip": return .skip
        case "runOnce": return .runOnce(catchUpWindow: catchUp)
        case "runAll": return .runAll(limit: limit ?? 10, catchUpWindow: catchUp)
        default: return nil
        }
    }

    /// A size: a whole number of bytes or text such as `"512KB"`, `"10MB"`, `"1GB"` (powers of 1024).
    private static func readByteCount(_ reader: ConfigReader, _ key: String) -> Int? {
        guard let node = reader.member(key) else { return nil }
        let minimum = 1024
        if case .string(let text) = node.value {
            let units: [(String, Int)] = [("KB", 1 << 10), ("MB", 1 << 20), ("GB", 1 << 30), ("B", 1)]
            let trimmed = text.trimmingCharacters(in: .whitespaces).uppercased()
            for (suffix, size) in units where trimmed.hasSuffix(suffix) {
                let number = trimmed.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)
                if let value = Int(number), value > 0, value <= Int.max / size, value * size >= minimum {
                    return value * size
                }
            }
            reader.report(key, "\"\(text)\" is not a size of at least 1KB such as \"512KB\", \"10MB\" or \"1GB\"")
            return nil
        }
        return ConfigReader.integer(node, path: reader.path(key), in: minimum...Int.max, problems: reader.problems)
    }

    /// `"failurePatterns": [{"pattern": "usage limit", "class": "rateLimited"}, …]`.
    package static func readFailurePatterns(_ reader: ConfigReader) -> [FailurePattern] {
        guard let elements = reader.array("failurePatterns") else { return [] }
        var patterns: [FailurePattern] = []
        for (path, node) in elements {
            guard let object = ConfigReader(node, path: path, problems: reader.problems) else { continue }
            defer { object.finish() }
            let classNames = patternClasses.map(\.rawValue)
            let pattern = object.nonEmptyString("pattern", required: "a regular expression matched against each line")
            let failureClass = object.choice("class", classNames).flatMap(FailureClass.init(rawValue:))
            if !object.has("class") {
                object.report(
                    nil, "missing \"class\": one of \(classNames.map { "\"\($0)\"" }.joined(separator: ", "))")
            }
            let stream = object.choice("stream", ["stdout", "stderr", "any"]).map(FailurePattern.Stream.init(rawValue:))
            let caseSensitive = object.bool("caseSensitive") ?? false
            let appliesOnSuccess = object.bool("appliesOnSuccess") ?? false
            let retryAfter = object.duration("retryAfter")
            let hint = object.nonEmptyString("hint")
            if retryAfter != nil, let failureClass, failureClass != .rateLimited {
                object.report("retryAfter", "only a \"rateLimited\" pattern has a retryAfter")
            }
            guard let pattern, let failureClass else { continue }
            var rule = FailurePattern(
                pattern, class: failureClass, stream: stream ?? .any, isCaseSensitive: caseSensitive,
                appliesOnSuccess: appliesOnSuccess, retryAfter: retryAfter)
            rule.hint = hint
            do {
                try rule.validate()
            } catch {
                object.report("pattern", error.message)
                continue
            }
            patterns.append(rule)
        }
        return patterns
    }
}
