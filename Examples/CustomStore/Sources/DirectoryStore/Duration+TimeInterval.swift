import Foundation

extension Duration {
    /// The duration in seconds, for `Date` arithmetic on lease expiry times.
    var timeInterval: TimeInterval {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
