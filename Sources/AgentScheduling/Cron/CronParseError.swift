/// Why a cron expression was rejected: what kind of problem, in which field, at which character, and a
/// sentence for humans.
///
/// ```swift
/// do {
///     _ = try CronExpression("60 * * * *")
/// } catch {
///     print(error)            // minute: 60 is out of range 0-59
///     error.code == .outOfRange // true
///     error.position          // 0
/// }
/// ```
///
/// Compare ``code`` in tests and programs; ``reason`` and ``description`` are prose and may be reworded.
public struct CronParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of problem, stable across releases.
    ///
    /// A struct over a private enum, so codes can be added without breaking exhaustive switches.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: Hashable, Sendable {
            case tooLong, fieldCount, syntax, outOfRange, reversedRange, invalidStep, invalidName, invalidMacro
            case impossibleDate
        }

        private let kind: Kind

        private init(_ kind: Kind) {
            self.kind = kind
        }

        /// The input is longer than ``CronExpression/maximumLength``; it was not parsed.
        public static let tooLong = Self(.tooLong)
        /// The expression does not have five fields (or six, with a leading seconds field); this includes the
        /// empty expression.
        public static let fieldCount = Self(.fieldCount)
        /// Malformed text: an unexpected character, an empty list item, a missing number.
        public static let syntax = Self(.syntax)
        /// A value outside the field's range, such as minute 60 or month 13.
        public static let outOfRange = Self(.outOfRange)
        /// A range whose start is after its end, such as `10-5` or `FRI-MON`.
        public static let reversedRange = Self(.reversedRange)
        /// A step that is missing, zero, signed or not a number.
        public static let invalidStep = Self(.invalidStep)
        /// An unknown name, or a name in a field that takes none (`MONDAY`, `JAN` in the minute field).
        public static let invalidName = Self(.invalidName)
        /// An unknown or unsupported macro (`@Hourly`, `@every 5m`, `@reboot`).
        public static let invalidMacro = Self(.invalidMacro)
        /// The day-of-month and month fields together name no date that exists (`0 0 31 2 *`).
        public static let impossibleDate = Self(.impossibleDate)

        /// The code's name, for example `outOfRange`.
        public var description: String {
            switch kind {
            case .tooLong: "tooLong"
            case .fieldCount: "fieldCount"
            case .syntax: "syntax"
            case .outOfRange: "outOfRange"
            case .reversedRange: "reversedRange"
            case .invalidStep: "invalidStep"
            case .invalidName: "invalidName"
            case .invalidMacro: "invalidMacro"
            case .impossibleDate: "impossibleDate"
            }
        }
    }

    /// The kind of problem.
    public let code: Code
    /// The field the problem is in, or `nil` when it concerns the whole expression (length, field count, macro).
    public let field: CronField?
    /// The zero-based offset, in `Character`s from the start of the input, of the text the problem was found at.
    public let position: Int
    /// A sentence explaining the problem, without the field name, for example `60 is out of range 0-59`.
    public let reason: String

    /// Creates an error value.
    /// - Parameters:
    ///   - code: The kind of problem.
    ///   - field: The field the problem is in, if any.
    ///   - position: The zero-based `Character` offset the problem was found at.
    ///   - reason: A sentence explaining the problem, without the field name.
    public init(code: Code, field: CronField?, position: Int, reason: String) {
        self.code = code
        self.field = field
        self.position = position
        self.reason = reason
    }

    /// The message for humans: `minute: 60 is out of range 0-59`, or just the reason when no field applies.
    public var description: String {
        guard let field else { return reason }
        return "\(field): \(reason)"
    }
}
