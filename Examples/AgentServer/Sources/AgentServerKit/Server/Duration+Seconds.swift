extension Duration {
    /// The duration in seconds, as a `TimeInterval` for `Date` arithmetic.
    var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
