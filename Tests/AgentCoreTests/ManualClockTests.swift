import AgentCore
import Foundation
import TestDeadlines
import Testing

struct ManualClockTests {
    @Test func advanceWakesSleepersInDeadlineOrder() async throws {
        let clock = ManualClock()
        let start = clock.now
        let order = Recorder<Int>()
        try await within("three sleepers woken in deadline order") {
            try await Self.sleepThreeAndAdvance(clock: clock, start: start, order: order)
        }
        #expect(order.all == [1, 2, 0])
        #expect(clock.sleeperCount == 0)
    }

    private static func sleepThreeAndAdvance(clock: ManualClock, start: Date, order: Recorder<Int>) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, seconds) in [30, 10, 20].enumerated() {
                group.addTask {
                    try await clock.sleep(until: start.addingTimeInterval(Double(seconds)))
                    order.append(index)
                    #expect(clock.now == start.addingTimeInterval(Double(seconds)))
                }
            }
            await waitBounded("3 sleeper(s)") { await clock.waitForSleepers(count: 3) }
            #expect(clock.sleeperCount == 3)
            await clock.advance(by: .seconds(25))
            #expect(order.all == [1, 2])
            #expect(clock.now == start.addingTimeInterval(25))
            await clock.advance(by: .seconds(5))
            try await group.waitForAll()
        }
    }

    @Test func aSleeperThatSleepsAgainIsWokenWithinTheSameAdvance() async throws {
        let clock = ManualClock()
        let ticks = Recorder<Date>()
        let task = Task {
            for _ in 0..<5 {
                try await clock.sleep(for: .seconds(60))
                ticks.append(clock.now)
            }
        }
        await waitBounded("1 sleeper(s)") { await clock.waitForSleepers(count: 1) }
        let start = clock.now
        await clock.advance(by: .seconds(300))
        try await within("the sleeping task") { try await task.value }
        #expect(ticks.all == (1...5).map { start.addingTimeInterval(Double($0 * 60)) })
    }

    @Test func cancellationWakesASleeperWithCancellationError() async {
        let clock = ManualClock()
        let task = Task { try await clock.sleep(for: .seconds(3600)) }
        await waitBounded("1 sleeper(s)") { await clock.waitForSleepers(count: 1) }
        task.cancel()
        await #expect(throws: CancellationError.self) {
            try await within("the cancelled sleeper") { try await task.value }
        }
        #expect(clock.sleeperCount == 0)
    }

    @Test func cancellationBeforeTheSleepStartsIsHandled() async {
        let clock = ManualClock()
        for _ in 0..<200 {
            let task = Task { try await clock.sleep(for: .seconds(1)) }
            task.cancel()
            await #expect(throws: CancellationError.self) {
                try await within("the cancelled sleeper") { try await task.value }
            }
        }
        #expect(clock.sleeperCount == 0)
    }

    /// A sleep that starts while ``ManualClock/advance(to:)`` moves to its deadline returns: either the advance wakes
    /// it or it finds the time reached. (Before the advance found "nothing due" and moved the time in one step under
    /// its lock, a sleeper registered between the two stayed asleep at a time already reached, and a scheduler
    /// driven by the clock never parked again.) The race is between two threads, so it is run many times.
    @Test func aSleepStartedDuringAnAdvanceToItsDeadlineIsNeverLeftAsleep() async throws {
        let clock = ManualClock(yieldsPerWake: 0)
        for round in 1...5_000 {
            let target = clock.now.addingTimeInterval(1)
            let sleeper = Task.detached { try await clock.sleep(until: target) }
            await clock.advance(to: target)
            try await within("the sleeper of round \(round) to return", seconds: 10) { try await sleeper.value }
        }
        #expect(clock.sleeperCount == 0)
    }

    @Test func aPastDeadlineReturnsAtOnce() async throws {
        let clock = ManualClock()
        try await clock.sleep(until: clock.now.addingTimeInterval(-1))
        #expect(clock.sleeperCount == 0)
    }
}

struct EventBroadcasterTests {
    @Test func everySubscriberReceivesEveryEventInOrder() async throws {
        let events = EventBroadcaster()
        let first = events.subscribe()
        let second = events.subscribe()
        let instant = Date(timeIntervalSince1970: 1_795_000_000)
        for kind in [RunEvent.Kind.runQueued, .runStarted, .runSucceeded] {
            events.emit(RunEvent(kind: kind, timestamp: instant, agentName: "a"))
        }
        events.finish()
        var kinds: [[RunEvent.Kind]] = []
        for stream in [first, second] {
            let received = try await within("the finished event stream") {
                var received: [RunEvent.Kind] = []
                for await event in stream { received.append(event.kind) }
                return received
            }
            kinds.append(received)
        }
        #expect(kinds == [[.runQueued, .runStarted, .runSucceeded], [.runQueued, .runStarted, .runSucceeded]])
    }

    @Test func eventsRenderAsOneJSONObjectPerLine() throws {
        let event = RunEvent(
            kind: .runFailed, timestamp: Date(timeIntervalSince1970: 1_795_000_000), agentName: "a", attempt: 2,
            status: .failed, message: "line one\nline two",
            details: .failure(RunFailureDetails(failureClass: .transient, isFinal: true)))
        let line = event.jsonLine
        #expect(!line.contains("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["event"] as? String == "runFailed")
        #expect(object["ts"] as? String == "2026-11-18T11:06:40.000Z")
        #expect(object["message"] as? String == "line one\nline two")
    }

    @Test func aSubscriberThatStopsIsRemoved() async {
        let events = EventBroadcaster()
        do {
            let stream = events.subscribe()
            let task = Task { for await _ in stream {} }
            task.cancel()
            await waitBounded("the cancelled subscriber") { await task.value }
        }
        #expect(events.subscriberCount == 0)
    }

    @Test func timersFireInDeadlineOrderWithSleepersAndCountAsSleepers() async throws {
        let clock = ManualClock()
        let start = clock.now
        let order = Recorder<String>()
        let sleeper = Task {
            try await clock.sleep(until: start.addingTimeInterval(20))
            order.append("sleeper")
        }
        await waitBounded("1 sleeper(s)") { await clock.waitForSleepers(count: 1) }
        _ = clock.startTimer(at: start.addingTimeInterval(30)) { order.append("timer 30") }
        _ = clock.startTimer(at: start.addingTimeInterval(10)) {
            order.append("timer 10")
            #expect(clock.now == start.addingTimeInterval(10))
        }
        #expect(clock.sleeperCount == 3)
        await clock.advance(by: .seconds(20))
        try await within("the sleeper") { try await sleeper.value }
        #expect(order.all == ["timer 10", "sleeper"])
        #expect(clock.sleeperCount == 1)
        await clock.advance(by: .seconds(10))
        #expect(order.all == ["timer 10", "sleeper", "timer 30"])
        #expect(clock.sleeperCount == 0)
    }

    @Test func aCancelledTimerNeverFiresAndAPastDeadlineFiresAtOnce() async {
        let clock = ManualClock()
        let fired = Recorder<String>()
        let timer = clock.startTimer(at: clock.now.addingTimeInterval(5)) { fired.append("cancelled") }
        #expect(clock.sleeperCount == 1)
        timer.cancel()
        #expect(clock.sleeperCount == 0)
        await clock.advance(by: .seconds(10))
        #expect(fired.all.isEmpty)
        _ = clock.startTimer(at: clock.now) { fired.append("due") }
        #expect(fired.all == ["due"])
        #expect(clock.sleeperCount == 0)
    }

    @Test func theDefaultTimerSleepsOnTheClockAndCanBeCancelled() async {
        let manual = ManualClock()
        let clock = ForwardingClock(base: manual)
        let fired = Recorder<String>()
        _ = clock.startTimer(at: manual.now.addingTimeInterval(10)) { fired.append("kept") }
        let cancelled = clock.startTimer(at: manual.now.addingTimeInterval(10)) { fired.append("cancelled") }
        await waitBounded("2 sleeper(s)") { await manual.waitForSleepers(count: 2) }
        cancelled.cancel()
        #expect(manual.sleeperCount == 1)
        await manual.advance(by: .seconds(10))
        for _ in 0..<10_000 where fired.all.isEmpty { await Task.yield() }
        #expect(fired.all == ["kept"])
    }

    @Test func nowIsExactlyTheTimeAdvancedTo() async {
        let start = Date(timeIntervalSinceReferenceDate: 789_012_345.678_901_2)
        let clock = ManualClock(start: start, yieldsPerWake: 0)
        #expect(clock.now == start)
        var target = start
        for step in [0.001, 1.0 / 3.0, 86_400.123_456_789, 1e-7] {
            target = target.addingTimeInterval(step)
            await clock.advance(to: target)
            #expect(clock.now == target)
            #expect(
                clock.now.timeIntervalSinceReferenceDate.bitPattern == target.timeIntervalSinceReferenceDate.bitPattern)
        }
    }

    @Test func emitBuildsTheEventOnlyWhenSomeoneListens() {
        let events = EventBroadcaster()
        let built = Recorder<Int>()
        func makeEvent() -> RunEvent {
            built.append(1)
            return RunEvent(kind: .runLog, timestamp: Date(timeIntervalSince1970: 0), message: "hello")
        }
        events.emit(makeEvent())
        #expect(built.all.isEmpty)
        #expect(!events.isObserved)
        let received = Recorder<String>()
        events.addSink { received.append($0.message ?? "") }
        #expect(events.isObserved)
        events.emit(makeEvent())
        #expect(built.all.count == 1)
        #expect(received.all == ["hello"])
    }
}

/// A clock that relies on the protocol's default ``AgentClock/startTimer(at:_:)``.
private struct ForwardingClock: AgentClock {
    let base: ManualClock
    var now: Date { base.now }
    func sleep(until deadline: Date) async throws { try await base.sleep(until: deadline) }
}
