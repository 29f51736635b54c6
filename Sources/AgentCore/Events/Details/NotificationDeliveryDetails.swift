/// The payload of `notificationSent` and `notificationFailed`: one webhook delivery's outcome.
public struct NotificationDeliveryDetails: Sendable, Hashable, Codable {
    /// The webhook's host (never its full URL, which may hold a token).
    public var host: String
    /// The webhook's format (`json`, `slack`, `ntfy`).
    public var format: String
    /// What the notification was about (`failure`, `autoPause`, `run`, `slaBreach`, `fireOverdue`).
    public var notification: String?
    /// How many attempts were made.
    public var attempts: Int
    /// The HTTP status of the last answer, if the server answered.
    public var statusCode: Int?

    /// Creates the payload.
    /// - Parameters:
    ///   - host: The webhook's host.
    ///   - format: The webhook's format.
    ///   - notification: What the notification was about.
    ///   - attempts: How many attempts were made.
    ///   - statusCode: The last HTTP status.
    public init(host: String, format: String, notification: String? = nil, attempts: Int, statusCode: Int? = nil) {
        self.host = host
        self.format = format
        self.notification = notification
        self.attempts = attempts
        self.statusCode = statusCode
    }
}
