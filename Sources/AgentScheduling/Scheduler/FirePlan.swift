import AgentCore
import Foundation

/// The pure decision of what happens to one agent's fires that are due at a given moment: which run, which are
/// recorded as missed, and when the agent fires next.
///
/// A fire handled within the misfire threshold of its nominal time is on time and runs. A later fire was missed
/// (the process was down, the scheduler or the agent paused, the store unreachable) and goes through the
/// agent's ``MisfirePolicy``: `skip` runs none, `runOnce` runs the most recent one within the catch-up window
/// (coalescing the others into it), `runAll(limit:)` runs the most recent `limit` within the window. Every
/// missed fire that does not run is counted; the most recent of them are recorded as `skipped`.
struct FirePlan: Sendable, Hashable {
    /// Fires to run, oldest first: catch-ups of missed fires, then on-time fires.
    var run: [Date] = []
    /// Missed fires to record as `skipped` (the most recent, up to the record limit), oldest first.
    var skipped: [Date] = []
    /// Every missed fire, whether it runs or not.
    var missedCount = 0
    /// Missed fires that do not run (recorded or only counted).
    var skippedCount = 0
    /// The oldest missed fire.
    var firstMissed: Date?
    /// The most recent missed fire.
    var lastMissed: Date?
    /// The latest fire at or before the moment of the decision.
    var lastDue: Date?
    /// The first fire after the moment of the decision, if the schedule has one.
    var next: Date?

    /// The most fires enumerated one by one; a longer backlog is skipped over and counted as one gap.
    static let enumerationLimit = 1_000_000

    /// Decides what happens to the fires from `first` up to and including `now`.
    /// - Parameters:
    ///   - first: The earliest fire not handled yet (`nil` when the schedule has ended).
    ///   - now: The moment of the decision.
    ///   - policy: The agent's misfire policy.
    ///   - threshold: How late a fire may be and still be on time.
    ///   - recordLimit: The most missed fires recorded as `skipped`.
    ///   - next: The schedule: the first fire strictly after a date.
    /// - Returns: The plan.
    static func decide(
        from first: Date?, now: Date, policy: MisfirePolicy, threshold: Duration, recordLimit: Int,
        next: (Date) -> Date?
    ) -> FirePlan {
        let onTimeFrom = now.addingTimeInterval(-threshold.timeInterval)
        if let first, first <= now, first >= onTimeFrom {
            // The common case, without allocating: one fire, on time.
            let following = next(first)
            if following.map({ $0 > now }) ?? true {
                return FirePlan(run: [first], lastDue: first, next: following)
            }
        }
        var plan = FirePlan()
        var recent = RecentDates(capacity: recordLimit + policy.runLimit)
        var fire = first
        var enumerated = 0
        while let current = fire, current <= now {
            plan.lastDue = current
            if current >= onTimeFrom {
                plan.run.append(current)
            } else {
                plan.missedCount += 1
                if plan.firstMissed == nil { plan.firstMissed = current }
                plan.lastMissed = current
                recent.append(current)
            }
            enumerated += 1
            if enumerated == enumerationLimit, let resume = next(onTimeFrom.addingTimeInterval(-0.001)),
                resume > current
            {
                // A pathological backlog (a per-second schedule paused for weeks): jump to the on-time range and
                // count the gap as one more missed fire rather than walking it.
                plan.missedCount += 1
                fire = resume
                continue
            }
            fire = next(current)
        }
        plan.next = fire

        let late = recent.ascending
        let windowStart = now.addingTimeInterval(-policy.catchUpWindow.timeInterval)
        let eligible = late.filter { $0 >= windowStart }
        let catchUps = Array(eligible.suffix(policy.runLimit))
        let notRun = late.filter { !catchUps.contains($0) }
        plan.run = catchUps + plan.run
        plan.skipped = Array(notRun.suffix(recordLimit))
        plan.skippedCount = plan.missedCount - catchUps.count
        return plan
    }
}

/// The most recent dates appended, up to a capacity (a ring buffer).
private struct RecentDates {
    private var storage: [Date] = []
    private var start = 0
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    mutating func append(_ date: Date) {
        guard capacity > 0 else { return }
        if storage.count < capacity {
            storage.append(date)
        } else {
            storage[start] = date
            start = (start + 1) % capacity
        }
    }

    var ascending: [Date] { Array(storage[start...] + storage[..<start]) }
}
