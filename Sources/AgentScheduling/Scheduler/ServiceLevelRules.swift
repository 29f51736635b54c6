import AgentCore
import Foundation

/// The service-level rules, shared by the runner's monitor (which announces breaches) and the health snapshot
/// (which shows them).
package enum ServiceLevelRules {
    /// The calendar an agent's day is counted in: its cron time zone, UTC for other schedules.
    /// - Parameter schedule: The agent's schedule.
    /// - Returns: A Gregorian calendar in that zone.
    package static func calendar(for schedule: ScheduleConfiguration) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone =
            schedule.timeZoneIdentifier.flatMap(TimeZone.init(identifier:)) ?? TimeZone(identifier: "UTC")
            ?? calendar.timeZone
        return calendar
    }

    /// The latest `mustSucceedBy` instant at or before `date`.
    /// - Parameters:
    ///   - time: The daily deadline.
    ///   - calendar: The agent's calendar.
    ///   - date: The instant.
    /// - Returns: The deadline, or `nil` when the calendar cannot place it.
    package static func latestDeadline(
        _ time: ServiceLevel.TimeOfDay, in calendar: Calendar, atOrBefore date: Date
    ) -> Date? {
        let components = DateComponents(hour: time.hour, minute: time.minute, second: 0)
        let today = calendar.date(
            bySettingHour: time.hour, minute: time.minute, second: 0, of: date, matchingPolicy: .nextTime,
            repeatedTimePolicy: .first, direction: .forward)
        if let today, today <= date { return today }
        return calendar.nextDate(
            after: date, matching: components, matchingPolicy: .nextTime, direction: .backward)
    }

    /// Whether a run of the agent succeeded between the start of the deadline's local day and the deadline.
    /// - Parameters:
    ///   - agent: The agent.
    ///   - deadline: A `mustSucceedBy` instant.
    ///   - calendar: The agent's calendar.
    ///   - store: Where its runs are.
    /// - Returns: `true` when the deadline was met.
    /// - Throws: ``StoreError`` when the store cannot be read.
    package static func metDeadline(
        of agent: AgentName, deadline: Date, in calendar: Calendar, store: any RunStore
    ) async throws -> Bool {
        let dayStart = calendar.startOfDay(for: deadline)
        var query = RunQuery(
            agent: agent, statuses: [.succeeded, .noOp], queuedSince: dayStart.addingTimeInterval(-86_400),
            limit: RunQuery.maximumLimit)
        repeat {
            let page = try await store.queryRuns(query)
            let met = page.records.contains { record in
                guard let ended = record.endedAt else { return false }
                return ended >= dayStart && ended <= deadline
            }
            if met { return true }
            query.cursor = page.nextCursor
        } while query.cursor != nil
        return false
    }

    /// `2026-03-14` in the calendar's time zone.
    /// - Parameters:
    ///   - date: The instant.
    ///   - calendar: The calendar.
    /// - Returns: The local date.
    package static func dayText(_ date: Date, in calendar: Calendar) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        let month = parts.month ?? 0
        let day = parts.day ?? 0
        return "\(parts.year ?? 0)-" + (month < 10 ? "0" : "") + "\(month)-" + (day < 10 ? "0" : "") + "\(day)"
    }
}
