import Foundation
import Synchronization

/// A time zone's UTC offsets as integer data, so fire-time searches never call Foundation in the common case.
///
/// A zone whose offset never changes (UTC, `GMT+2`) is a bare offset. Any other zone gets a ``TransitionTable``
/// of every offset change from the first one Foundation knows up to a little after 2500, built once per process
/// and zone on first use (about a thousand `nextDaylightSavingTimeTransition(after:)` calls, well under a
/// millisecond) and shared by every expression in that zone. After 2100 a zone's rules are its final POSIX rule
/// ("second Sunday in March at 02:00"), which repeats exactly every 400 Gregorian years, so instants after 2500
/// are folded back by whole 400-year cycles instead of growing the table.
///
/// Thread safety: instances are immutable except for the lazily built table, which sits in an
/// `AtomicLazyReference` (built at most a few times under a race, published once, read lock-free). The registry
/// of shared instances is a `Mutex`.
final class ZoneRules: Sendable {
    /// The zone these rules describe.
    let timeZone: TimeZone
    /// The offset in seconds when the zone never changes its offset, else `nil`.
    let fixedOffset: Int?
    private let lazyTable = AtomicLazyReference<TransitionTable>()

    private static let registry = Mutex<[String: ZoneRules]>([:])

    private init(timeZone: TimeZone) {
        self.timeZone = timeZone
        if timeZone.nextDaylightSavingTimeTransition(after: .distantPast) == nil {
            fixedOffset = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: 0))
        } else {
            fixedOffset = nil
        }
    }

    /// The shared rules for a zone (one instance per zone identifier and process).
    /// - Parameter timeZone: The zone.
    /// - Returns: The rules, created on first request.
    static func shared(for timeZone: TimeZone) -> ZoneRules {
        registry.withLock { rules in
            if let existing = rules[timeZone.identifier] { return existing }
            let created = ZoneRules(timeZone: timeZone)
            rules[timeZone.identifier] = created
            return created
        }
    }

    /// The transition table, built on first use.
    var table: TransitionTable {
        if let table = lazyTable.load() { return table }
        return lazyTable.storeIfNil(TransitionTable(timeZone: timeZone))
    }

    /// The stretch of constant offset containing an instant.
    /// - Parameter instant: Seconds since 1970-01-01T00:00:00Z.
    /// - Returns: The segment.
    @inline(__always)
    func segment(containing instant: Int) -> ZoneSegment {
        if let fixedOffset {
            return ZoneSegment(start: .min, end: .max, offset: fixedOffset, highWater: .min)
        }
        return table.segment(containing: instant)
    }
}

/// A stretch of time with one UTC offset: `[start, end)` in seconds since 1970-01-01T00:00:00Z.
struct ZoneSegment: Equatable, Sendable {
    /// The first instant of the segment (`Int.min` when unbounded).
    var start: Int
    /// The first instant after the segment (`Int.max` when unbounded).
    var end: Int
    /// The UTC offset in seconds during the segment.
    var offset: Int
    /// The latest wall-clock second shown at any instant before `start` (`Int.min` when unbounded). When it is
    /// later than `start + offset`, the segment begins by repeating wall-clock time (a fall-back transition).
    var highWater: Int
}

/// The offset changes of one zone, as sorted integer arrays.
final class TransitionTable: Sendable {
    /// The first instant of the 400-year cycle the table folds later instants into (2100-01-01T00:00:00Z).
    static let cycleStart = 4_102_444_800
    /// The length of the Gregorian 400-year cycle in seconds (146,097 days).
    static let cycleLength = 146_097 * 86_400
    /// The end of the folding cycle (2500-01-01T00:00:00Z).
    static let cycleEnd = cycleStart + cycleLength

    /// Transition instants, ascending; segment `i` runs from `transitions[i - 1]` to `transitions[i]`.
    private let transitions: [Int]
    /// `offsets[i]` is the offset of segment `i`; there is one more offset than transitions.
    private let offsets: [Int]
    /// `highWaters[i]` is the latest wall-clock second before segment `i` starts.
    private let highWaters: [Int]
    /// Whether instants from ``cycleEnd`` on are folded back into the cycle.
    private let isPeriodic: Bool

    /// Reads the zone's transitions from Foundation.
    /// - Parameter timeZone: The zone.
    init(timeZone: TimeZone) {
        var transitions: [Int] = []
        var offsets: [Int] = []
        let buildEnd = Self.cycleEnd + 3 * 366 * 86_400
        var cursor = Date.distantPast
        var isPeriodic = false
        if let first = timeZone.nextDaylightSavingTimeTransition(after: cursor) {
            offsets.append(timeZone.secondsFromGMT(for: first.addingTimeInterval(-1)))
        } else {
            offsets.append(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: 0)))
        }
        while let next = timeZone.nextDaylightSavingTimeTransition(after: cursor), next > cursor {
            cursor = next
            let instant = Int(next.timeIntervalSince1970.rounded(.down))
            let offset = timeZone.secondsFromGMT(for: next)
            if instant >= buildEnd {
                // Still changing after 2500: the final rule recurs, so fold later instants into 2100-2500.
                isPeriodic = (transitions.last ?? .min) >= Self.cycleEnd
                break
            }
            // Transitions that change only the abbreviation or the DST flag keep the offset: not a segment edge.
            if let last = offsets.last, last == offset { continue }
            transitions.append(instant)
            offsets.append(offset)
        }
        var highWaters = [Int.min]
        highWaters.reserveCapacity(offsets.count)
        for (index, transition) in transitions.enumerated() {
            highWaters.append(max(highWaters[index], transition - 1 + offsets[index]))
        }
        self.transitions = transitions
        self.offsets = offsets
        self.highWaters = highWaters
        self.isPeriodic = isPeriodic
    }

    /// The segment containing an instant.
    /// - Parameter instant: Seconds since 1970-01-01T00:00:00Z.
    /// - Returns: The segment, unfolded back to the instant's own 400-year cycle.
    @inline(__always)
    func segment(containing instant: Int) -> ZoneSegment {
        guard isPeriodic, instant >= Self.cycleEnd else { return segment(inTable: instant) }
        let shift = (instant - Self.cycleStart) / Self.cycleLength * Self.cycleLength
        var segment = segment(inTable: instant - shift)
        // Sentinels stay sentinels; real instants move to the instant's own cycle.
        if segment.start != .min { segment.start += shift }
        if segment.end != .max { segment.end += shift }
        if segment.highWater != .min { segment.highWater += shift }
        return segment
    }

    private func segment(inTable instant: Int) -> ZoneSegment {
        transitions.withUnsafeBufferPointer { transitions in
            // The number of transitions at or before `instant` is the index of its segment.
            var low = 0
            var high = transitions.count
            while low < high {
                let middle = (low + high) / 2
                if transitions[middle] <= instant {
                    low = middle + 1
                } else {
                    high = middle
                }
            }
            return ZoneSegment(
                start: low == 0 ? .min : transitions[low - 1],
                end: low == transitions.count ? .max : transitions[low],
                offset: offsets[low],
                highWater: highWaters[low]
            )
        }
    }
}
