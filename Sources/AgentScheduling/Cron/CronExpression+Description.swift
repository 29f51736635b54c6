extension CronExpression {
    /// A plain-English explanation, such as `at 02:30 every day`.
    public var description: String {
        text
    }
}
