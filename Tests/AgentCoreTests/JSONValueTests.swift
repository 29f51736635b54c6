import AgentCore
import Foundation
import Testing

struct JSONValueTests {
    @Test(arguments: [
        (#"{"b":1,"a":[true,null,"x"]}"#, #"{"a":[true,null,"x"],"b":1}"#),
        (#"{ "n": 1.0, "m": -0.0, "big": 12345678901234567890 }"#, #"{"big":1.2345678901234567e+19,"m":0,"n":1}"#),
        (#"["tab\there", "quote\"", "é", "\u0001"]"#, #"["tab\there","quote\"","é","\u0001"]"#),
        (#"{"\u00e9":1,"z":2,"a":3}"#, #"{"a":3,"z":2,"é":1}"#),
        ("1.5", "1.5"),
    ])
    func canonicalTextSortsKeysAndDropsWhitespace(_ input: String, _ canonical: String) throws {
        #expect(try JSONValue.parse(input).canonicalText == canonical)
    }

    @Test func integersAndDoublesStayApart() throws {
        #expect(try JSONValue.parse("2") == .integer(2))
        #expect(try JSONValue.parse("2.5") == .double(2.5))
        #expect(try JSONValue.parse("true") == .bool(true))
        let value: JSONValue = ["id": 9_007_199_254_740_993, "ratio": 0.25, "tags": ["a", "b"], "none": nil]
        let data = try JSONEncoder().encode(value)
        #expect(try JSONDecoder().decode(JSONValue.self, from: data) == value)
    }

    @Test func invalidJSONIsRejectedWithAReason() {
        #expect {
            try JSONValue.parse("{\"open\": ")
        } throws: { error in
            (error as? JSONValueError)?.reason.hasPrefix("not valid JSON") == true
        }
    }
}

struct TimestampTests {
    @Test func formatsUTCWithMilliseconds() {
        #expect(Timestamp.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: 1_709_971_200.25)) == "2024-03-09T08:00:00.250Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59.000Z")
    }

    @Test(arguments: [
        ("2024-03-10T03:00:00-04:00", 1_710_054_000.0),
        ("2024-03-10T07:00:00Z", 1_710_054_000.0),
        ("2024-03-10T12:45:00+05:45", 1_710_054_000.0),
        ("2024-03-10T07:00:00.5Z", 1_710_054_000.5),
        ("2024-02-29T00:00:00.000Z", 1_709_164_800.0),
    ])
    func parsesOffsetsAndFractions(_ text: String, _ seconds: Double) {
        #expect(Timestamp.parse(text) == Date(timeIntervalSince1970: seconds))
    }

    @Test(arguments: [
        "", "2024-03-10", "2024-03-10T07:00:00", "2100-02-29T00:00:00Z", "2024-13-01T00:00:00Z",
        "2024-03-10T24:00:00Z", "2024-03-10T07:00:00+5:00", "2024-03-10T07:00:00Zjunk", "2024-03-10T07:00:00.Z",
    ])
    func rejectsMalformedTimestamps(_ text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    @Test func roundTripsEveryMillisecondPrecisionDate() {
        var random = SeededRandomNumberGenerator(seed: 7)
        for _ in 0..<10_000 {
            let milliseconds = Int64.random(in: -2_000_000_000_000...4_000_000_000_000, using: &random)
            let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
            #expect(Timestamp.parse(Timestamp.format(date)) == date)
        }
    }

    @Test func civilDateArithmeticKnowsLeapYears() {
        #expect(Timestamp.isLeapYear(2000))
        #expect(Timestamp.isLeapYear(2024))
        #expect(!Timestamp.isLeapYear(2100))
        #expect(Timestamp.daysInMonth(year: 2100, month: 2) == 28)
        for day in stride(from: Int64(-800_000), through: 800_000, by: 997) {
            let (year, month, dayOfMonth) = Timestamp.civilDate(fromDays: day)
            #expect(Timestamp.daysFromCivil(year: year, month: month, day: dayOfMonth) == day)
        }
    }
}
