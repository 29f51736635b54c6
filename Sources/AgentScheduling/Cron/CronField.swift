/// One of the fields of a cron expression, as named in error messages.
///
/// A struct over a private enum, so fields can be added without breaking exhaustive switches in client code.
public struct CronField: Hashable, Sendable, CustomStringConvertible {
    private enum Kind: Hashable, Sendable {
        case second, minute, hour, dayOfMonth, month, dayOfWeek
    }

    private let kind: Kind

    private init(_ kind: Kind) {
        self.kind = kind
    }

    /// The optional leading seconds field (0-59) of a six-field expression.
    public static let second = Self(.second)
    /// The minute field (0-59).
    public static let minute = Self(.minute)
    /// The hour field (0-23).
    public static let hour = Self(.hour)
    /// The day-of-month field (1-31).
    public static let dayOfMonth = Self(.dayOfMonth)
    /// The month field (1-12 or `JAN`-`DEC`).
    public static let month = Self(.month)
    /// The day-of-week field (0-7 or `SUN`-`SAT`; 0 and 7 are Sunday).
    public static let dayOfWeek = Self(.dayOfWeek)

    /// The field's name as used in messages: `second`, `minute`, `hour`, `day-of-month`, `month`, `day-of-week`.
    public var description: String {
        switch kind {
        case .second: "second"
        case .minute: "minute"
        case .hour: "hour"
        case .dayOfMonth: "day-of-month"
        case .month: "month"
        case .dayOfWeek: "day-of-week"
        }
    }

    /// The smallest value the field accepts.
    var minimum: Int {
        switch kind {
        case .dayOfMonth, .month: 1
        case .second, .minute, .hour, .dayOfWeek: 0
        }
    }

    /// The largest value the field accepts (7 for day-of-week, an alias of Sunday).
    var maximum: Int {
        switch kind {
        case .second, .minute: 59
        case .hour: 23
        case .dayOfMonth: 31
        case .month: 12
        case .dayOfWeek: 7
        }
    }

    /// The three-letter names the field accepts, in value order starting at ``minimum``, or `nil` when names are
    /// not allowed.
    var names: [String]? {
        switch kind {
        case .month: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
        case .dayOfWeek: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
        case .second, .minute, .hour, .dayOfMonth: nil
        }
    }
}
