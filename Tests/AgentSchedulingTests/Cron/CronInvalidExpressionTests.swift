import Foundation
import Testing

@testable import AgentScheduling

/// The 63 expressions the cron specification requires us to reject, each with an error code that fits its
/// category, a field where one applies, and a position inside the input.
struct CronInvalidExpressionTests {
    static let allowedCodes: [String: [CronParseError.Code]] = [
        "out-of-range": [.outOfRange],
        "bad-step": [.invalidStep],
        "reversed-range": [.reversedRange],
        "field-count": [.fieldCount],
        "bad-name": [.invalidName],
        "garbage": [.syntax, .fieldCount],
        "extension": [.syntax, .invalidName],
        "macro": [.invalidMacro],
        "impossible-date": [.impossibleDate],
        "very-long": [.tooLong, .outOfRange],
    ]

    @Test func allInvalidExpressionsAreLoaded() {
        #expect(CronFixtures.invalid.count == 63)
    }

    @Test(arguments: CronFixtures.invalid)
    func isRejectedWithAFittingCode(_ invalid: CronFixtures.Invalid) throws {
        let error = try #require(throws: CronParseError.self) { try CronExpression(invalid.expr) }
        let allowed = try #require(Self.allowedCodes[invalid.category])
        #expect(allowed.contains(error.code), "\(error.code): \(error)")
        #expect(error.position >= 0 && error.position <= max(invalid.expr.count, CronExpression.maximumLength))
        #expect(!error.description.isEmpty)
        if [.outOfRange, .reversedRange, .invalidStep, .invalidName, .impossibleDate].contains(error.code) {
            #expect(error.field != nil)
        }
    }
}
