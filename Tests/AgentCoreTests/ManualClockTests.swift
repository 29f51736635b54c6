import AgentCore
import Foundation
import Testing

struct ManualClockTests {
    @Test func advanceWakesSleepersInDeadlineOrder() async throws {
        let clock = ManualClock()
        let start = clock.now
        let order = Recorder<Int>()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, seconds) in [30, 10, 20].enumerated() {
                group.addTask {
                    try await clock.sleep(until: start.addingTimeInterval(Double(seconds)))
                    order.append(index)
                    #expect(clock.now == start.addingTimeInterval(Double(seconds)))
                }
            }
            await clock.waitForSleepers(count: 3)
            #expect(clock.sleeperCount == 3)
            await clock.advance(by: .seconds(25))
            #expect(order.all == [1, 2])
            #expect(clock.now == start.addingTimeInterval(25))
            await clock.advance(by: .seconds(5))
            try await group.waitForAll()
        }
        #expect(order.all == [1, 2, 0])
        #expect(clock.sleeperCount == 0)
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
        await clock.waitForSleepers(count: 1)
        let start = clock.now
        await clock.advance(by: .seconds(300))
        try await task.value
        #expect(ticks.all == (1...5).map { start.addingTimeInterval(Double($0 * 60)) })
    }

    @Test func cancellationWakesASleeperWithCancellationError() async {
        let clock = ManualClock()
        let task = Task { try await clock.sleep(for: .seconds(3600)) }
        await clock.waitForSleepers(count: 1)
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(clock.sleeperCount == 0)
    }

    @Test func cancellationBeforeTheSleepStartsIsHandled() async {
        let clock = ManualClock()
        for _ in 0..<200 {
            let task = Task { try await clock.sleep(for: .seconds(1)) }
            task.cancel()
            await #expect(throws: CancellationError.self) { try await task.value }
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
    @Test func everySubscriberReceivesEveryEventInOrder() async {
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
            var received: [RunEvent.Kind] = []
            for await event in stream { received.append(event.kind) }
            kinds.append(received)
        }
        #expect(kinds == [[.runQueued, .runStarted, .runSucceeded], [.runQueued, .runStarted, .runSucceeded]])
    }

    @Test func eventsRenderAsOneJSONObjectPerLine() throws {
        let event = RunEvent(
            kind: .runFailed, timestamp: Date(timeIntervalSince1970: 1_795_000_000), agentName: "a", attempt: 2,
            status: .failed, message: "line one\nline two", metadata: ["class": "transient"])
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
            await task.value
        }
        #expect(events.subscriberCount == 0)
    }
}
