import AgentCore
import AgentScheduling
import Foundation

/// `agentctl schedules`: every agent's schedule in words, next fire and pause state.
enum SchedulesCommand: AgentCommand {
    static let name = "schedules"
    static let summary = "List the agents with their schedule in words, next fire and pause state"
    static let help = """
        USAGE: agentctl schedules [--json]

        Lists every configured agent: its schedule in plain English with its time zone, its next fire, its last
        handled fire, its failure streak and whether it is disabled or paused (and why). A schedule set at run
        time (through the HTTP API or RunnerControl.setSchedule) is shown in place of the configured one. The state comes from the
        store, so this shows what a running 'agentctl serve' will do. A next fire marked 'overdue' passed while
        no serve was running; serve handles it under the agent's misfire policy when it starts.

        OPTIONS:
          --json            Print a JSON array with one object per agent
        \(CommandContext.configHelp)

        EXIT STATUS: 0 on success, 1 when the store cannot be read, 2 for bad usage or configuration.
        """

    static func run(_ arguments: [String], io: CommandIO) async -> Int32 {
        guard let parsed = parse(arguments, io: io, options: [CommandContext.configOption], flags: ["json"]) else {
            return helpRequested(arguments) ? ExitCode.success : ExitCode.usage
        }
        guard parsed.positionals.isEmpty else {
            io.printError("agentctl schedules: unexpected argument '\(parsed.positionals[0])'")
            return ExitCode.usage
        }
        guard let context = CommandContext.load(parsed, command: name, io: io, fileRequired: true) else {
            return ExitCode.usage
        }
        guard let store = await context.openStore(forScheduling: false, command: name, io: io) else {
            return ExitCode.failure
        }
        let snapshot: StoreSnapshot
        do {
            snapshot = try await StoreSnapshot.take(context.configuration, store: store)
        } catch {
            io.printError("agentctl schedules: \(error)")
            return ExitCode.failure
        }
        if parsed.has("json") {
            io.print(JSONValue.array(snapshot.schedules.map(json)).canonicalText)
            return ExitCode.success
        }
        var table = TextTable(["AGENT", "SCHEDULE", "NEXT FIRE", "LAST FIRE", "STREAK", "STATE"])
        for row in snapshot.schedules {
            var next = row.nextFireAt.map(Timestamp.format) ?? "-"
            if row.isOverdue { next += " (overdue)" }
            table.add([
                row.agent.name.rawValue, row.description, next, row.state.lastFireAt.map(Timestamp.format) ?? "-",
                String(row.state.consecutiveFailures), state(row),
            ])
        }
        io.print(table.render())
        if snapshot.runners.isEmpty, snapshot.schedules.contains(where: { $0.nextFireAt != nil }) {
            io.print("")
            io.print("No runner is live on this store: scheduled agents run only while one ('agentctl serve') does.")
        }
        return ExitCode.success
    }

    private static func state(_ row: StoreSnapshot.ScheduleRow) -> String {
        if row.state.isPaused { return "paused: \(row.state.pausedReason ?? "no reason given")" }
        if !row.agent.isEnabled { return "disabled" }
        let active = row.schedule.isManualOnly ? "manual only" : "active"
        return row.state.scheduleOverride == nil ? active : "\(active), schedule set at run time"
    }

    private static func json(_ row: StoreSnapshot.ScheduleRow) -> JSONValue {
        var fields: [String: JSONValue] = [
            "name": .string(row.agent.name.rawValue), "schedule": .string(row.description),
            "enabled": .bool(row.agent.isEnabled), "paused": .bool(row.state.isPaused),
            "consecutiveFailures": .integer(Int64(row.state.consecutiveFailures)), "overdue": .bool(row.isOverdue),
            "scheduleOverridden": .bool(row.state.scheduleOverride != nil),
        ]
        if let expression = row.schedule.cronExpression { fields["cron"] = .string(expression) }
        if let zone = row.schedule.timeZoneIdentifier { fields["timeZone"] = .string(zone) }
        if let every = row.schedule.interval { fields["everySeconds"] = .double(every.timeInterval) }
        if let reason = row.state.pausedReason { fields["pausedReason"] = .string(reason) }
        if let next = row.nextFireAt { fields["nextFireAt"] = .string(Timestamp.format(next)) }
        if let last = row.state.lastFireAt { fields["lastFireAt"] = .string(Timestamp.format(last)) }
        return .object(fields)
    }
}
