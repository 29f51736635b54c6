import AgentCore
import Foundation
import Testing

@testable import AgentScheduling

/// Resolving an agent's schedule configuration.
struct ScheduleTests {
    @Test func aCronConfigurationResolvesInItsZone() throws {
        let schedule = try Schedule(.cron("30 2 * * *", timeZone: "America/New_York"))
        let start = try #require(CronFixtures.instant("2024-03-09T12:00:00-05:00"))
        let zone = try #require(TimeZone(identifier: "America/New_York"))
        #expect(schedule.next(after: start).map { CronFixtures.format($0, in: zone) } == "2024-03-10T03:00:00-04:00")
        #expect(
            schedule.previous(before: start).map { CronFixtures.format($0, in: zone) } == "2024-03-09T02:30:00-05:00")
        #expect(schedule.description == "at 02:30 every day (America/New_York)")
        #expect(schedule.cronExpression?.isFixedTime == true)
        #expect(Array(schedule.fireTimes(after: start).prefix(3)).count == 3)
    }

    @Test func anIntervalConfigurationResolvesToAGrid() throws {
        let anchor = Date(timeIntervalSince1970: 1_700_000_000)
        let schedule = try Schedule(.interval(.seconds(900), anchoredAt: anchor))
        #expect(schedule.next(after: anchor) == anchor.addingTimeInterval(900))
        #expect(schedule.previous(before: anchor) == anchor.addingTimeInterval(-900))
        #expect(schedule.intervalSchedule?.interval == .seconds(900))
        #expect(schedule.description.hasPrefix("every 15 minutes"))
    }

    @Test func manualOnlyNeverFires() throws {
        let schedule = try Schedule(.manualOnly)
        #expect(schedule.isManualOnly)
        #expect(schedule.next(after: Date(timeIntervalSince1970: 0)) == nil)
        #expect(schedule.previous(before: Date(timeIntervalSince1970: 0)) == nil)
        #expect(Array(schedule.fireTimes(after: Date(timeIntervalSince1970: 0))).isEmpty)
        #expect(schedule.description == "manual only")
        #expect(schedule == .manualOnly)
    }

    @Test func mistakesAreReportedWithWhatIsWrong() throws {
        let badCron = try #require(throws: Schedule.ResolutionError.self) { try Schedule(.cron("60 * * * *")) }
        #expect(badCron.code == .invalidCron)
        #expect(badCron.cronError?.code == .outOfRange)
        #expect(badCron.description == "invalid cron expression \"60 * * * *\": minute: 60 is out of range 0-59")

        let badZone = try #require(throws: Schedule.ResolutionError.self) {
            try Schedule(.cron("0 0 * * *", timeZone: "Mars/Olympus_Mons"))
        }
        #expect(badZone.code == .unknownTimeZone)
        #expect(badZone.description.contains("Mars/Olympus_Mons"))

        let badInterval = try #require(throws: Schedule.ResolutionError.self) { try Schedule(.interval(.zero)) }
        #expect(badInterval.code == .invalidInterval)
    }

    @Test func decodedConfigurationsResolveToo() throws {
        let json = #"{"kind":"cron","expression":"*/15 9-17 * * 1-5","timeZone":"Europe/Berlin"}"#
        let configuration = try JSONDecoder().decode(ScheduleConfiguration.self, from: Data(json.utf8))
        let schedule = try Schedule(configuration)
        #expect(schedule.description == "every 15 minutes from 09:00 to 17:45 on Monday through Friday (Europe/Berlin)")
        #expect(
            schedule
                == .cron(
                    try CronExpression(
                        "*/15 9-17 * * MON-FRI", timeZone: #require(TimeZone(identifier: "Europe/Berlin")))))
    }
}

extension ScheduleTests {
    @Test func theDescriptionNamesTheZoneAsConfigured() throws {
        #expect(try Schedule(.cron("0 0 * * *")).description == "at 00:00 every day (UTC)")
    }
}
