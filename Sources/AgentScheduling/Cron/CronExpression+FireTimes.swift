import Foundation

extension CronExpression {
    /// The fire times of an expression after a start instant, in increasing order.
    ///
    /// The sequence is lazy and ends only when the expression has no more fire times before the end of year
    /// 9999, so take a prefix: `expression.fireTimes(after: .now).prefix(5)`.
    public struct FireTimes: Sequence, Sendable {
        /// The expression whose fire times are listed.
        public let expression: CronExpression
        /// The instant the fire times are strictly after.
        public let start: Date

        /// Creates an iterator over the fire times.
        /// - Returns: An iterator starting at the first fire time after ``start``.
        public func makeIterator() -> Iterator {
            Iterator(expression: expression, start: start)
        }

        /// Produces successive fire times.
        public struct Iterator: IteratorProtocol, Sendable {
            private let expression: CronExpression
            private let start: Date
            private var last: Int?
            private var isFinished = false

            init(expression: CronExpression, start: Date) {
                self.expression = expression
                self.start = start
            }

            /// The next fire time.
            /// - Returns: The fire time, or `nil` when there are no more.
            public mutating func next() -> Date? {
                guard !isFinished else { return nil }
                let fire: Date?
                if let last {
                    fire = expression.firstFire(atOrAfter: last + 1).map { Date(timeIntervalSince1970: Double($0)) }
                } else {
                    fire = expression.next(after: start)
                }
                guard let fire else {
                    isFinished = true
                    return nil
                }
                last = Int(fire.timeIntervalSince1970)
                return fire
            }
        }
    }

    /// The fire times strictly after a date, in increasing order.
    /// - Parameter date: The instant to start after.
    /// - Returns: A lazy sequence of fire times.
    public func fireTimes(after date: Date) -> FireTimes {
        FireTimes(expression: self, start: date)
    }
}
